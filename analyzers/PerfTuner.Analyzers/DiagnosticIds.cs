namespace PerfTuner.Analyzers
{
    /// <summary>The rule IDs; code fixes, tests and docs refer to these names.</summary>
    public static class DiagnosticIds
    {
        public const string UnboundedCache = "PT0001";
        public const string UnbatchedUpsert = "PT0002";
        public const string UnboundedConcurrency = "PT0003";
        public const string ClientPerOperation = "PT0004";
        public const string SemaphoreMisuse = "PT0005";
    }
}
