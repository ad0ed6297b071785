namespace PerfTuner.LocalQdrant;

/// <summary>The RPCs the server implements, named "Service/Method" (Qdrant's gRPC package is "qdrant").</summary>
public static class RpcNames
{
    public const string HealthCheck = "Qdrant/HealthCheck";
    public const string CreateCollection = "Collections/Create";
    public const string GetCollection = "Collections/Get";
    public const string ListCollections = "Collections/List";
    public const string DeleteCollection = "Collections/Delete";
    public const string CollectionExists = "Collections/CollectionExists";
    public const string Upsert = "Points/Upsert";
    public const string DeletePoints = "Points/Delete";
    public const string GetPoints = "Points/Get";
    public const string Scroll = "Points/Scroll";
    public const string Count = "Points/Count";
    public const string Search = "Points/Search";
    public const string Query = "Points/Query";

    public static IReadOnlyList<string> All { get; } = new[]
    {
        HealthCheck, CreateCollection, GetCollection, ListCollections, DeleteCollection, CollectionExists,
        Upsert, DeletePoints, GetPoints, Scroll, Count, Search, Query,
    };

    /// <summary>
    /// Resolves "Points/Search", "qdrant.Points/Search" or an unambiguous method name ("Search") to its canonical
    /// "Service/Method" form; null when unknown or ambiguous ("Delete" and "Get" exist in two services).
    /// </summary>
    public static string? Resolve(string name, out string? problem)
    {
        var trimmed = name.Trim();
        if (trimmed.StartsWith("qdrant.", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed["qdrant.".Length..];
        }

        var exact = All.FirstOrDefault(rpc => string.Equals(rpc, trimmed, StringComparison.OrdinalIgnoreCase));
        if (exact is not null)
        {
            problem = null;
            return exact;
        }

        var byMethod = All.Where(rpc => string.Equals(rpc[(rpc.IndexOf('/') + 1)..], trimmed, StringComparison.OrdinalIgnoreCase)).ToList();
        switch (byMethod.Count)
        {
            case 1:
                problem = null;
                return byMethod[0];
            case 0:
                problem = $"unknown RPC '{name}' (known: {string.Join(", ", All)})";
                return null;
            default:
                problem = $"RPC name '{name}' is ambiguous; use one of {string.Join(", ", byMethod)}";
                return null;
        }
    }
}
