using System.Net;
using Microsoft.Extensions.Time.Testing;
using Watchtower.CloudWatch;
using Watchtower.Diagnostics;
using Watchtower.Shipping;

namespace Watchtower.Tests.Shipping;

/// <summary>
/// What follows an attempt, case by case, with no engine running: a fixed random source (0.5) makes every backoff exact
/// (half its ceiling: base 1 s doubling per attempt, capped at 20 s), and the time limit is 60 s.
/// </summary>
public sealed class DeliveryPolicyTests
{
    private readonly DeliveryPolicy _policy = new(new RetryPolicy(
        new FakeTimeProvider(),
        maxAttempts: int.MaxValue,
        baseDelay: TimeSpan.FromSeconds(1),
        maxBackoff: TimeSpan.FromSeconds(20),
        timeLimit: TimeSpan.FromSeconds(60),
        useRetryQuota: false,
        random: () => 0.5));

    private static readonly (string Case, AttemptResult Result, int Attempts, int UnexpectedBefore, int Events, double ElapsedSeconds, Pause Pause, double? UntilProbeSeconds, Decision Expected)[] s_cases =
    [
        // case, result, attempts, unexpected failures before, events, seconds since the first attempt, pause, seconds until the probe => decision
        ("stored", new(AttemptOutcome.Stored), 1, 0, 10, 0, Pause.None, null, new(DecisionKind.Delivered)),
        ("abandoned at shutdown", AttemptResult.Abandoned, 1, 0, 10, 0, Pause.None, null, new(DecisionKind.Abandon)),
        ("group or stream cannot be created", Failure(AttemptOutcome.CannotCreate, CloudWatchErrorKind.AccessDenied), 1, 0, 10, 0, Pause.None, null, Decision.Drop(DropReason.DeliveryFailed)),
        ("throttled, first attempt", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.Throttling), 1, 0, 10, 0, Pause.None, null, Retry(0.5)),
        ("5xx, third attempt", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.Transient), 3, 0, 10, 0, Pause.None, null, Retry(2)),
        ("5xx, backoff at its cap", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.Transient), 10, 0, 10, 0, Pause.None, null, Retry(10)),
        ("5xx, retry still within the limit", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.Transient), 3, 0, 10, 58, Pause.None, null, Retry(2)),
        ("5xx, retry would start past the limit", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.Transient), 3, 0, 10, 58.5, Pause.None, null, Decision.Drop(DropReason.RetryTimeLimit)),
        ("outage: again at the probe", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.Transient), 2, 0, 10, 10, Pause.Outage, 30, Retry(30)),
        ("outage: the probe comes too late", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.Transient), 2, 0, 10, 40, Pause.Outage, 30, Decision.Drop(DropReason.RetryTimeLimit)),
        ("outage: probe due now", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.Throttling), 2, 0, 10, 10, Pause.Outage, null, Retry(0)),
        ("no answer to a put: may be stored", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.Transient, mayHaveBeenProcessed: true), 1, 0, 10, 0, Pause.None, null, Retry(0.5, mayHaveBeenDelivered: true)),
        ("no answer to CreateLogStream: not stored", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.Transient, mayHaveBeenProcessed: true, operation: "CreateLogStream"), 1, 0, 10, 0, Pause.None, null, Retry(0.5)),
        ("invalid batch: halve it", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.InvalidParameter), 1, 0, 2, 0, Pause.None, null, new(DecisionKind.Split)),
        ("invalid single event: drop it", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.InvalidParameter), 1, 0, 1, 0, Pause.None, null, Decision.Drop(DropReason.InvalidEvent)),
        ("credentials refused", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.AccessDenied), 1, 0, 10, 0, Pause.AccessDenied, null, new(DecisionKind.PauseForCredentials)),
        ("an error with no remedy", Failure(AttemptOutcome.Failed, CloudWatchErrorKind.Other), 1, 0, 10, 0, Pause.None, null, Decision.Drop(DropReason.DeliveryFailed)),
        ("first surprise: try again, may be stored", new(AttemptOutcome.Unexpected, Unexpected: new InvalidOperationException()), 1, 0, 10, 0, Pause.None, null, Retry(0.5, mayHaveBeenDelivered: true)),
        ("surprise near the limit: at once", new(AttemptOutcome.Unexpected, Unexpected: new InvalidOperationException()), 1, 1, 10, 59.9, Pause.None, null, Retry(0, mayHaveBeenDelivered: true)),
        ("third surprise: give up", new(AttemptOutcome.Unexpected, Unexpected: new InvalidOperationException()), 3, DeliveryPolicy.MaxUnexpectedFailures - 1, 10, 0, Pause.None, null, Decision.Drop(DropReason.DeliveryFailed)),
    ];

    [Fact]
    public void EveryCase_DecidesAsTheTableSays()
    {
        var wrong = new List<string>();
        foreach (var c in s_cases)
        {
            TimeSpan? untilProbe = c.UntilProbeSeconds is { } s ? TimeSpan.FromSeconds(s) : null;
            Decision decision = _policy.Decide(c.Result, c.Attempts, c.UnexpectedBefore, c.Events, TimeSpan.FromSeconds(c.ElapsedSeconds), c.Pause, untilProbe);
            if (decision != c.Expected)
            {
                wrong.Add($"{c.Case}: expected {c.Expected}, got {decision}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    private static AttemptResult Failure(AttemptOutcome outcome, CloudWatchErrorKind kind, bool mayHaveBeenProcessed = false, string operation = "PutLogEvents") =>
        new(outcome, Error: new CloudWatchLogsException(operation, kind.ToString(), "the service said no", kind, mayHaveBeenProcessed ? null : HttpStatusCode.BadRequest, requestId: null, mayHaveBeenProcessed));

    private static Decision Retry(double seconds, bool mayHaveBeenDelivered = false) => new(DecisionKind.Retry, TimeSpan.FromSeconds(seconds), MayHaveBeenDelivered: mayHaveBeenDelivered);
}
