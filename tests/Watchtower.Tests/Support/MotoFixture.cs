using Amazon.Runtime;
using Watchtower.Testing;

namespace Watchtower.Tests.Support;

/// <summary>One moto_server for all integration tests; each test uses log groups of its own.</summary>
public sealed class MotoFixture : IDisposable
{
    private readonly MotoServer _server = MotoServer.Start();

    public Uri Endpoint => _server.Endpoint;

    public CloudWatchLogsClient CreateClient() => new(new CloudWatchLogsClientOptions
    {
        ServiceUrl = Endpoint.ToString(),
        Region = "us-east-1",
        Credentials = new BasicAWSCredentials("testing-access-key", "testing-secret-key"),
    });

    /// <summary>A log group name no other test uses.</summary>
    public static string UniqueGroupName(string purpose) => $"/watchtower/tests/{purpose}/{Guid.NewGuid():N}";

    public void Dispose() => _server.Dispose();
}
