using PerfTuner.LocalQdrant;

namespace PerfTuner.Smoke.Tests;

public class SecretTests
{
    private const string Key = "pt-secret-KEY-7f3a9c1e55";

    [Fact]
    public async Task Api_key_never_appears_in_output_or_reports()
    {
        Environment.SetEnvironmentVariable("PERFTUNER_TEST_KEY", Key);
        try
        {
            await using var server = await LocalQdrantServer.StartAsync();
            using var h = new SmokeHarness();
            var (exit, output, _) = await h.RunAsync(SmokeHarness.Fast.Concat(new[] { "--url", server.GrpcUri.ToString(), "--api-key-env", "PERFTUNER_TEST_KEY" }));
            Assert.True(exit == 0, output);

            // And a failing run, whose messages quote the endpoint and the variable name.
            var (failExit, failOutput, _) = await h.RunAsync(new[] { "--url", $"http://127.0.0.1:{SmokeHarness.ClosedPort()}", "--api-key-env", "PERFTUNER_TEST_KEY", "--timeout-seconds", "3" });
            Assert.Equal(2, failExit);

            Assert.DoesNotContain(Key, output);
            Assert.DoesNotContain(Key, failOutput);
            string[] files = Directory.GetFiles(h.Directory, "*", SearchOption.AllDirectories);
            Assert.Contains(files, f => f.EndsWith("perf-smoke.json", StringComparison.Ordinal));
            Assert.Contains(files, f => f.EndsWith("benchmarkdotnet.log", StringComparison.Ordinal));
            foreach (string file in files)
                Assert.DoesNotContain(Key, File.ReadAllText(file));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PERFTUNER_TEST_KEY", null);
        }
    }

    [Fact]
    public void Redactor_scrubs_every_occurrence()
    {
        var output = new Diagnostics.SmokeOutput(new Diagnostics.CapturingWriter());
        output.AddSecret(Key);
        Assert.Equal("a *** b ***", output.Redact($"a {Key} b {Key}"));
    }
}
