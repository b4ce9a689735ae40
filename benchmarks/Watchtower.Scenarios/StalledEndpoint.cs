using System.Net;
using System.Text;

namespace Watchtower.Scenarios;

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
