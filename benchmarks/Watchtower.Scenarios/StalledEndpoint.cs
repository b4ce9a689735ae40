using System.Net;
using System.Text;

namespace Watchtower.Scenarios;

/// <summary>How the endpoint fails in a scenario.</summary>
public enum Stall
{
    /// <summary>Every request hangs until it times out: a live endpoint that answers slowly, or not at all.</summary>
    Hang,

    /// <summary>Every connection is refused: a dead endpoint.</summary>
    Refused,

    /// <summary>Every request is refused for its credentials: expired or revoked keys.</summary>
    Denied,
}

/// <summary>An in-process endpoint that fails every request in one way, counting the requests it saw.</summary>
public sealed class StalledEndpoint(Stall stall) : HttpMessageHandler
{
    private long _requests;

    public long Requests => Interlocked.Read(ref _requests);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        switch (stall)
        {
            case Stall.Hang:
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException("unreachable");
            case Stall.Refused:
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (scenario).");
            default:
                return new HttpResponseMessage(HttpStatusCode.BadRequest)
                {
                    Content = new StringContent("{\"__type\":\"ExpiredTokenException\",\"message\":\"The security token included in the request is expired\"}", Encoding.UTF8, "application/x-amz-json-1.1"),
                };
        }
    }
}
