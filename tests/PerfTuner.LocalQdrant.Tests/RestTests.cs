using System.Net;
using System.Text.Json;

namespace PerfTuner.LocalQdrant.Tests;

public sealed class RestTests : IClassFixture<ServerFixture>
{
    private readonly LocalQdrantServer _server;

    public RestTests(ServerFixture fixture) => _server = fixture.Server;

    [Fact]
    public async Task Root_health_and_readiness_answer_over_http1_on_loopback()
    {
        Assert.Equal("127.0.0.1", _server.HttpUri.Host);
        Assert.Equal("127.0.0.1", _server.GrpcUri.Host);
        Assert.NotEqual(_server.HttpUri.Port, _server.GrpcUri.Port);

        using var http = new HttpClient { BaseAddress = _server.HttpUri, DefaultRequestVersion = HttpVersion.Version11 };
        using var root = JsonDocument.Parse(await http.GetStringAsync("/"));
        Assert.Contains("not Qdrant", root.RootElement.GetProperty("title").GetString());
        Assert.Equal("healthz check passed", await http.GetStringAsync("/healthz"));
        Assert.Equal("all shards are ready", await http.GetStringAsync("/readyz"));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/collections")).StatusCode);
    }
}
