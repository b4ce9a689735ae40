using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Watchtower.Tests.Support;

/// <summary>
/// An HTTP handler that records every request and answers from a script, one response per request in
/// order; when the script runs out it answers 200 with an empty JSON object.
/// </summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly SemaphoreSlim _received = new(0);

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public RecordingHandler Respond(HttpStatusCode status, string body, Action<HttpResponseMessage>? configure = null)
    {
        _script.Enqueue((_, _) =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1") };
            configure?.Invoke(response);
            return Task.FromResult(response);
        });
        return this;
    }

    public RecordingHandler RespondError(HttpStatusCode status, string type, string message, Action<HttpResponseMessage>? configure = null) =>
        Respond(status, $"{{\"__type\":\"{type}\",\"message\":\"{message}\"}}", response =>
        {
            response.Headers.TryAddWithoutValidation("x-amzn-RequestId", "req-" + type);
            configure?.Invoke(response);
        });

    public RecordingHandler Respond(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> responder)
    {
        _script.Enqueue(responder);
        return this;
    }

    /// <summary>Answers nothing until the request is cancelled, as a hung server would.</summary>
    public RecordingHandler Hang() => Respond(async (_, token) =>
    {
        await Task.Delay(Timeout.Infinite, token);
        throw new InvalidOperationException("unreachable");
    });

    public RecordingHandler Throw(Exception exception) => Respond((_, _) => Task.FromException<HttpResponseMessage>(exception));

    /// <summary>Waits until the handler has seen <paramref name="count"/> requests in all.</summary>
    public async Task WaitForRequestsAsync(int count)
    {
        while (Requests.Count < count)
        {
            if (!await _received.WaitAsync(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"Expected {count} requests, saw {Requests.Count}.");
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
        {
            headers[header.Key.ToLowerInvariant()] = string.Join(",", header.Value);
        }

        byte[] body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        Requests.Enqueue(recorded);
        _received.Release();
        if (_script.TryDequeue(out var responder))
        {
            HttpResponseMessage response = await responder(recorded, cancellationToken);
            response.RequestMessage = request;
            return response;
        }

        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}"), RequestMessage = request };
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _received.Dispose();
        }

        base.Dispose(disposing);
    }
}
