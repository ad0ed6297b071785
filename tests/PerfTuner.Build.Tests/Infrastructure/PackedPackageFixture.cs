using System.Reflection;
using System.Xml.Linq;

namespace PerfTuner.Build.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class PackedPackageCollection : ICollectionFixture<PackedPackageFixture>
{
    public const string Name = "packed PerfTuner package";
}

/// <summary>
/// Packs nuget/PerfTuner.csproj once for the whole collection with a unique version into a temporary feed, and
/// gives each test a fresh folder whose NuGet.config sees that feed plus the public one. NUGET_PACKAGES points at a
/// temporary folder, so no copy of PerfTuner from an earlier run (or from the samples' local feed) can be used;
/// the machine's global packages folder is a read-only fallback, so third-party packages are not downloaded again.
/// </summary>
public sealed class PackedPackageFixture : IAsyncLifetime
{
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    public string RepoRoot { get; } = typeof(PackedPackageFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"perftuner-e2e-{Guid.NewGuid():N}"[..24]);

    public string Version { get; } = $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Random.Shared.Next(1000, 9999)}";

    public string Feed => Path.Combine(Root, "feed");

    public string Packages => Path.Combine(Root, "packages");

    public CliResult? Pack { get; private set; }

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Packages);
        Pack = await DotnetCli.RunAsync(RepoRoot, TimeSpan.FromMinutes(15), Environment,
            "pack", Path.Combine(RepoRoot, "nuget", "PerfTuner.csproj"), "-c", "Release", "-o", Feed,
            "--artifacts-path", Path.Combine(Root, "pack-artifacts"), $"-p:Version={Version}", "-nodeReuse:false", "-tl:off");
        WriteNuGetConfig();
    }

    /// <summary>The nupkg, or a failure that shows why the pack failed.</summary>
    public string Nupkg
    {
        get
        {
            string path = Path.Combine(Feed, $"PerfTuner.{Version}.nupkg");
            Assert.True(File.Exists(path), $"packing failed: {Pack}");
            return path;
        }
    }

    /// <summary>A new empty project folder under the fixture's root (which holds the NuGet.config).</summary>
    public string NewProjectFolder(string name)
    {
        _ = Nupkg;
        string folder = Path.Combine(Root, "projects", $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public Task<CliResult> BuildAsync(string projectFolder, params string[] properties) =>
        BuildAsync(projectFolder, interruptWhen: null, properties);

    /// <summary>`dotnet build`, sent SIGINT at the first output line <paramref name="interruptWhen"/> accepts (see DotnetCli).</summary>
    public Task<CliResult> BuildAsync(string projectFolder, Func<string, bool>? interruptWhen, params string[] properties) =>
        DotnetCli.RunAsync(projectFolder, BuildTimeout, Environment, interruptWhen,
            new[] { "build", "-nodeReuse:false", "-tl:off" }.Concat(properties).ToArray());

    public Task DisposeAsync()
    {
        if (System.Environment.GetEnvironmentVariable("PERFTUNER_E2E_KEEP") != "1")
        {
            try { Directory.Delete(Root, recursive: true); }
            catch (IOException) { /* best effort: a temp folder */ }
            catch (UnauthorizedAccessException) { }
        }
        return Task.CompletedTask;
    }

    private void WriteNuGetConfig()
    {
        // The public feed(s) the repository itself uses, so the e2e builds resolve exactly what CI can reach.
        var repoSources = XDocument.Load(Path.Combine(RepoRoot, "NuGet.config"))
            .Descendants("packageSources").Elements("add")
            .Select(e => (Key: (string)e.Attribute("key")!, Value: (string)e.Attribute("value")!));

        string globalPackages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        var config = new XElement("configuration",
            new XElement("packageSources",
                new XElement("clear"),
                new XElement("add", new XAttribute("key", "perftuner-e2e"), new XAttribute("value", Feed)),
                repoSources.Select(s => new XElement("add", new XAttribute("key", s.Key), new XAttribute("value", s.Value)))),
            Directory.Exists(globalPackages)
                ? new XElement("fallbackPackageFolders", new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", globalPackages)))
                : null);
        Directory.CreateDirectory(Path.Combine(Root, "projects"));
        new XDocument(config).Save(Path.Combine(Root, "projects", "NuGet.config"));
        // Keep the repository's build files away from the test projects: these must look like a user's.
        File.WriteAllText(Path.Combine(Root, "projects", "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(Root, "projects", "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(Root, "projects", "Directory.Packages.props"), "<Project />");
    }
}
