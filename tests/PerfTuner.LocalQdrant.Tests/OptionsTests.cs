namespace PerfTuner.LocalQdrant.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_pick_free_ports_and_add_no_latency()
    {
        var options = LocalQdrantOptions.Parse(Array.Empty<string>());
        Assert.Equal(0, options.GrpcPort);
        Assert.Equal(0, options.HttpPort);
        Assert.Equal(0, options.LatencyMs);
        Assert.Equal(1.0, options.LatencyFactor);
    }

    [Fact]
    public void Global_and_per_rpc_latency_parse_in_both_spellings()
    {
        var options = LocalQdrantOptions.Parse(new[]
        {
            "--grpc-port", "6334", "--http-port=6333", "--latency-ms", "1.5", "--latency-factor=1.25",
            "--latency-factor", "Search=2", "--latency-ms=Collections/Delete=4", "--latency-ms", "qdrant.Points/Upsert=0.25",
        });

        Assert.Equal(6334, options.GrpcPort);
        Assert.Equal(6333, options.HttpPort);
        Assert.Equal((1.5, 1.25), options.LatencyFor(RpcNames.Query));
        Assert.Equal((1.5, 2.0), options.LatencyFor(RpcNames.Search));
        Assert.Equal((4.0, 1.25), options.LatencyFor(RpcNames.DeleteCollection));
        Assert.Equal((0.25, 1.25), options.LatencyFor(RpcNames.Upsert));
    }

    [Theory]
    [InlineData(new[] { "--latency-factor" }, "argument 1 '--latency-factor': missing value")]
    [InlineData(new[] { "--latency-ms", "-1" }, "argument 2 (--latency-ms '-1')")]
    [InlineData(new[] { "--latency-factor", "Delete=2" }, "ambiguous")]
    [InlineData(new[] { "--grpc-port", "7000", "--http-port", "7000" }, "different ports")]
    [InlineData(new[] { "--http-port", "x" }, "not a port number")]
    [InlineData(new[] { "extra" }, "argument 1 'extra': unknown option")]
    public void Bad_input_names_the_argument(string[] args, string expected)
    {
        var error = Assert.Throws<LocalQdrantUsageException>(() => LocalQdrantOptions.Parse(args));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Options_set_in_code_are_validated_before_starting()
    {
        var options = new LocalQdrantOptions { LatencyFactor = double.NaN };
        await Assert.ThrowsAsync<LocalQdrantUsageException>(() => LocalQdrantServer.StartAsync(options));
    }

    [Fact]
    public async Task A_port_in_use_fails_to_start_with_an_IOException()
    {
        await using var first = await LocalQdrantServer.StartAsync();
        var taken = new LocalQdrantOptions { GrpcPort = first.GrpcUri.Port };
        await Assert.ThrowsAnyAsync<IOException>(() => LocalQdrantServer.StartAsync(taken));
    }
}
