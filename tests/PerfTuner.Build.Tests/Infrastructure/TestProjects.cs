namespace PerfTuner.Build.Tests.Infrastructure;

/// <summary>Writes the user projects the end-to-end tests build.</summary>
public static class TestProjects
{
    /// <summary>A minimal library referencing PerfTuner: what the perf-smoke tests need.</summary>
    public static string Library(PackedPackageFixture package, string name, string targetFrameworks = "net10.0", string extraProperties = "")
    {
        string folder = package.NewProjectFolder(name);
        string tfmElement = targetFrameworks.Contains(';')
            ? $"<TargetFrameworks>{targetFrameworks}</TargetFrameworks>"
            : $"<TargetFramework>{targetFrameworks}</TargetFramework>";
        File.WriteAllText(Path.Combine(folder, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                {tfmElement}
                <Nullable>enable</Nullable>
                {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="PerfTuner" Version="{package.Version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Greeter.cs"), """
            namespace Sample;
            public static class Greeter { public static string Hello(string name) => "Hello " + name; }
            """);
        return folder;
    }

    /// <summary>
    /// The ConversationSearch sample's sources (service, benchmarks and AntiPatterns/) in a fresh project that
    /// references the packed package: the analyzer warnings exactly as a user sees them.
    /// </summary>
    public static string ConversationSearch(PackedPackageFixture package)
    {
        string folder = package.NewProjectFolder("ConversationSearch");
        string sample = Path.Combine(package.RepoRoot, "samples", "ConversationSearch");
        foreach (string file in Directory.EnumerateFiles(sample, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(sample, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
                continue;
            string target = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.WriteAllText(Path.Combine(folder, "ConversationSearch.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="PerfTuner" Version="{package.Version}" PrivateAssets="all" />
                <PackageReference Include="Qdrant.Client" Version="{CentralVersion(package, "Qdrant.Client")}" />
                <PackageReference Include="Microsoft.Extensions.Caching.Memory" Version="{CentralVersion(package, "Microsoft.Extensions.Caching.Memory")}" />
                <PackageReference Include="BenchmarkDotNet.Annotations" Version="{CentralVersion(package, "BenchmarkDotNet.Annotations")}" />
              </ItemGroup>
            </Project>
            """);
        return folder;
    }

    /// <summary>The version the repository pins (Directory.Packages.props, or the samples' one), so the copy matches the sample.</summary>
    private static string CentralVersion(PackedPackageFixture package, string id) =>
        new[] { Path.Combine(package.RepoRoot, "Directory.Packages.props"), Path.Combine(package.RepoRoot, "samples", "Directory.Packages.props") }
            .SelectMany(f => System.Xml.Linq.XDocument.Load(f).Descendants("PackageVersion"))
            .First(e => (string?)e.Attribute("Include") == id)
            .Attribute("Version")!.Value;

    /// <summary>(line, rule) for every trailing `// PTxxxx` marker comment (not a `///` doc comment) in a file: where the sample expects each diagnostic.</summary>
    public static IEnumerable<(int Line, string Rule)> Markers(string file) =>
        File.ReadAllLines(file)
            .Select((text, index) => (text, line: index + 1))
            .SelectMany(l => System.Text.RegularExpressions.Regex.Matches(l.text, @"(?<!/)//\s*(PT\d{4})\s*$")
                .Select(m => (l.line, m.Groups[1].Value)));
}
