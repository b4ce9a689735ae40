using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Watchtower.Tests.Support.Faults;

/// <summary>
/// The in-process fault layer: sits between a <see cref="CloudWatchLogsClient"/> and any handler (a fake, or a real
/// endpoint) and applies a <see cref="FaultScript"/>. Waits run on the given clock, so tests drive them with a fake one.
/// </summary>
internal sealed class FaultInjectingHandler : DelegatingHandler
{
    private readonly FaultScript _script;
    private readonly TimeProvider _clock;

    public FaultInjectingHandler(FaultScript script, HttpMessageHandler inner, TimeProvider clock)
        : base(inner)
    {
        _script = script;
        _clock = clock;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_script.RefusingNow())
        {
            _script.CountRefusal();
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (injected).");
        }

        string operation = FaultScript.OperationOf(request.Headers.TryGetValues("X-Amz-Target", out var targets) ? targets.First() : null);
        byte[] bytes = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        JsonObject body = JsonNode.Parse(bytes)!.AsObject();
        if (_script.Take(operation, body) is not { } fault)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        if (FaultScript.AnswersWithoutForwarding(fault))
        {
            (int status, string type, string message) = FaultScript.ErrorFor(fault, (string?)body["logStreamName"] ?? "");
            return StrictCloudWatchFake.ErrorResponse((HttpStatusCode)status, type, message);
        }

        switch (fault)
        {
            case FaultKind.ResetAfterForwarding:
                (await base.SendAsync(request, cancellationToken)).Dispose();
                throw new HttpRequestException(HttpRequestError.ResponseEnded, "The connection was reset (injected).");

            case FaultKind.UnexpectedException:
                throw new InvalidOperationException("Something no one expected (injected).");

            case FaultKind.BareSocketError:
                (await base.SendAsync(request, cancellationToken)).Dispose();
                throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.NotConnected);

            case FaultKind.DelayPastTimeout:
                HttpResponseMessage delayed = await base.SendAsync(request, cancellationToken);
                await Task.Delay(_script.Delay, _clock, cancellationToken);
                return delayed;

            case FaultKind.RejectEdgeEvents:
                if (FaultScript.StripEdgeEvents(body) is not { } rejected)
                {
                    return await base.SendAsync(request, cancellationToken);
                }

                var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
                content.Headers.ContentType = request.Content.Headers.ContentType;
                request.Content = content;
                HttpResponseMessage stored = await base.SendAsync(request, cancellationToken);
                if (!stored.IsSuccessStatusCode)
                {
                    return stored;
                }

                stored.Dispose();
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(rejected, Encoding.UTF8, "application/x-amz-json-1.1") };

            default:
                throw new InvalidOperationException($"Unhandled fault {fault}.");
        }
    }
}
