using System.Reflection;
using System.Runtime.Loader;
using BenchmarkDotNet.Attributes;
using PerfTuner.Smoke.Cli;

namespace PerfTuner.Smoke.Workload;

/// <summary>
/// Loads a project's benchmark assembly and finds its [Benchmark] classes. Dependencies resolve from the
/// assembly's own folder (its deps.json, via AssemblyDependencyResolver); BenchmarkDotNet itself always comes
/// from this runner, so the project's [Benchmark] attributes are the very types BenchmarkDotNet looks for.
/// </summary>
public static class ProjectBenchmarks
{
    public static IReadOnlyList<Type> Load(string assemblyPath)
    {
        string path = Path.GetFullPath(assemblyPath);
        if (!File.Exists(path))
            throw new UsageException($"--benchmarks: '{assemblyPath}' does not exist");

        var resolver = new AssemblyDependencyResolver(path);
        string folder = Path.GetDirectoryName(path)!;
        // The default context is used (rather than an isolated one) because BenchmarkDotNet's in-process emit
        // toolchain generates code that must see the benchmark types and BenchmarkDotNet's own types together.
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            if (name.Name is null || name.Name.StartsWith("BenchmarkDotNet", StringComparison.Ordinal))
                return null;
            string? candidate = resolver.ResolveAssemblyToPath(name);
            if (candidate is null)
            {
                string local = Path.Combine(folder, name.Name + ".dll");
                candidate = File.Exists(local) ? local : null;
            }
            return candidate is null ? null : context.LoadFromAssemblyPath(candidate);
        };
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, name) =>
            resolver.ResolveUnmanagedDllToPath(name) is { } native ? System.Runtime.InteropServices.NativeLibrary.Load(native) : IntPtr.Zero;

        Assembly assembly;
        try
        {
            assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new UsageException($"--benchmarks: '{assemblyPath}' is not a loadable .NET assembly ({e.Message})");
        }

        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.Where(t => t is not null).ToArray()!;
        }
        Type[] benchmarks = types
            .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true, ContainsGenericParameters: false })
            .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance).Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();
        if (benchmarks.Length == 0)
            throw new UsageException($"--benchmarks: '{assemblyPath}' has no public class with [Benchmark] methods");
        return benchmarks;
    }
}
