using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Watchtower.Tests.Support.Faults;

/// <summary>
/// A scriptable list of faults for PutLogEvents requests, shared by the in-process layer
/// (<see cref="FaultInjectingHandler"/>) and the loopback proxy (<see cref="FaultProxy"/>): each queued fault applies
/// to the next so many requests; a refusal window refuses every connection until it ends, on the script's clock.
/// Thread-safe; counts what it injected so a test can explain what it reads back.
/// </summary>
internal sealed class FaultScript
{
    public const string PoisonMarker = "#poison#";

    private readonly ConcurrentQueue<(FaultKind Kind, int Remaining)> _faults = new();
    private readonly ConcurrentDictionary<FaultKind, int> _injected = new();
    private readonly object _lock = new();
    private readonly TimeProvider _clock;
    private (FaultKind Kind, int Remaining)? _current;
    private DateTimeOffset _refuseUntil = DateTimeOffset.MinValue;
    private int _refused;

    public FaultScript(TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>How long a <see cref="FaultKind.DelayPastTimeout"/> answer is held back.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether a poison event is refused by every request (true) or only while a RejectPoisonEvent fault is queued.</summary>
    public bool AlwaysRejectPoison { get; set; }

    public int Refused => Volatile.Read(ref _refused);

    /// <summary>The operation whose requests the queued faults apply to; PutLogEvents unless a test fails another call.</summary>
    public string FaultedOperation { get; set; } = "PutLogEvents";

    /// <summary>When set, faults apply only to requests for the streams it accepts.</summary>
    public Func<string, bool>? OnlyStreams { get; set; }

    /// <summary>Drops every queued fault and ends any refusal window.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _faults.Clear();
            _current = null;
            _refuseUntil = DateTimeOffset.MinValue;
        }
    }

    /// <summary>Queues a fault for the next <paramref name="requests"/> PutLogEvents requests.</summary>
    public FaultScript Then(FaultKind kind, int requests = 1)
    {
        _faults.Enqueue((kind, requests));
        return this;
    }

    /// <summary>Refuses every connection (or, in process, every request) for <paramref name="duration"/> from now.</summary>
    public FaultScript RefuseConnectionsFor(TimeSpan duration)
    {
        lock (_lock)
        {
            _refuseUntil = _clock.GetUtcNow() + duration;
        }

        return this;
    }

    public bool RefusingNow()
    {
        lock (_lock)
        {
            return _clock.GetUtcNow() < _refuseUntil;
        }
    }

    public void CountRefusal() => Interlocked.Increment(ref _refused);

    public int Injected(FaultKind kind) => _injected.GetValueOrDefault(kind);

    /// <summary>The operation named by an X-Amz-Target header ("Logs_20140328.PutLogEvents" → "PutLogEvents").</summary>
    public static string OperationOf(string? target) => target?.Split('.')[^1] ?? "";

    /// <summary>The fault for this request, or null to pass it through untouched.</summary>
    public FaultKind? Take(string operation, JsonObject body)
    {
        if (operation != FaultedOperation || (OnlyStreams is { } only && !only((string?)body["logStreamName"] ?? "")))
        {
            return null;
        }

        if (AlwaysRejectPoison && HasPoison(body))
        {
            Count(FaultKind.RejectPoisonEvent);
            return FaultKind.RejectPoisonEvent;
        }

        lock (_lock)
        {
            if (_current is null && _faults.TryDequeue(out var next))
            {
                _current = next;
            }

            if (_current is not { } current)
            {
                return null;
            }

            _current = current.Remaining > 1 ? (current.Kind, current.Remaining - 1) : null;
            if (current.Kind == FaultKind.RejectPoisonEvent && !HasPoison(body))
            {
                return null;
            }

            Count(current.Kind);
            return current.Kind;
        }
    }

    /// <summary>The error body a non-forwarded fault answers with: (status, __type, message).</summary>
    public static (int Status, string Type, string Message) ErrorFor(FaultKind kind, string streamName) => kind switch
    {
        FaultKind.Throttle => (400, "ThrottlingException", "Rate exceeded"),
        FaultKind.ServerError => (500, "InternalFailure", "The server encountered an internal error"),
        FaultKind.ServiceUnavailable => (503, "ServiceUnavailableException", "The service is unavailable"),
        FaultKind.StreamNotFound => (400, "ResourceNotFoundException", $"The specified log stream does not exist: {streamName}"),
        FaultKind.AccessDenied => (400, "AccessDeniedException", "User is not authorized to perform: logs:PutLogEvents"),
        FaultKind.RejectPoisonEvent => (400, "InvalidParameterException", "Log event message contains an invalid sequence"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "This fault is forwarded, not answered."),
    };

    public static bool AnswersWithoutForwarding(FaultKind kind) =>
        kind is FaultKind.Throttle or FaultKind.ServerError or FaultKind.ServiceUnavailable or FaultKind.StreamNotFound or FaultKind.AccessDenied or FaultKind.RejectPoisonEvent;

    /// <summary>
    /// For <see cref="FaultKind.RejectEdgeEvents"/>: removes the first and the last event from the body (when there are
    /// at least three) and gives the rejectedLogEventsInfo the service would answer with for them.
    /// </summary>
    public static string? StripEdgeEvents(JsonObject body)
    {
        var events = (JsonArray)body["logEvents"]!;
        int count = events.Count;
        if (count < 3)
        {
            return null;
        }

        events.RemoveAt(count - 1);
        events.RemoveAt(0);
        return "{\"rejectedLogEventsInfo\":{\"expiredLogEventEndIndex\":1,\"tooNewLogEventStartIndex\":" + (count - 1) + "}}";
    }

    private static bool HasPoison(JsonObject body) =>
        body["logEvents"] is JsonArray events && events.Any(e => ((string?)e?["message"])?.Contains(PoisonMarker, StringComparison.Ordinal) == true);

    private void Count(FaultKind kind) => _injected.AddOrUpdate(kind, 1, (_, n) => n + 1);
}
