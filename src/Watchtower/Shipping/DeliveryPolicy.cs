using Watchtower.CloudWatch;
using Watchtower.Diagnostics;

namespace Watchtower.Shipping;

/// <summary>
/// The one place where what follows an attempt is decided: finish, retry after a delay, split, pause for the
/// credentials, or drop with a reason. It owns the retries, for every kind of failure: throttling, 5xx and no answer
/// back off (capped exponential with full jitter, or until the outage probe is due) within RetryTimeLimit from the
/// batch's first attempt; an invalid batch is halved down to the offending event; a failure no client expects is
/// tried a few times more, then given up. A function of its inputs (and of the retry policy's random source).
/// </summary>
internal sealed class DeliveryPolicy
{
    /// <summary>A batch whose attempts fail with errors the client does not know is tried this many times in all.</summary>
    public const int MaxUnexpectedFailures = 3;

    private readonly RetryPolicy _retry;

    public DeliveryPolicy(RetryPolicy retry)
    {
        _retry = retry;
    }

    /// <summary>How long a batch may be retried, from its first attempt; null for no limit.</summary>
    public TimeSpan? TimeLimit => _retry.TimeLimit;

    /// <summary>The cap on one backoff.</summary>
    public TimeSpan MaxBackoff => _retry.MaxBackoff;

    /// <param name="result">How the attempt ended.</param>
    /// <param name="attempts">Attempts made at the batch, this one included.</param>
    /// <param name="unexpectedFailures">Attempts before this one that failed unexpectedly.</param>
    /// <param name="events">Events in the batch.</param>
    /// <param name="elapsed">Time since the batch's first attempt (or since an outage first held it back).</param>
    /// <param name="pause">What delivery is paused for, after this attempt was taken into account.</param>
    /// <param name="untilProbe">While paused for an outage: how long until the next probe.</param>
    public Decision Decide(AttemptResult result, int attempts, int unexpectedFailures, int events, TimeSpan elapsed, Pause pause, TimeSpan? untilProbe) => result.Outcome switch
    {
        AttemptOutcome.Stored => new Decision(DecisionKind.Delivered),
        AttemptOutcome.Abandoned => new Decision(DecisionKind.Abandon),
        AttemptOutcome.CannotCreate => Decision.Drop(DropReason.DeliveryFailed),
        AttemptOutcome.Unexpected => AfterUnexpected(attempts, unexpectedFailures, elapsed),
        _ => AfterFailure(result.Error!, attempts, events, elapsed, pause, untilProbe),
    };

    private Decision AfterFailure(CloudWatchLogsException error, int attempts, int events, TimeSpan elapsed, Pause pause, TimeSpan? untilProbe)
    {
        switch (error.Kind)
        {
            case CloudWatchErrorKind.Throttling or CloudWatchErrorKind.Transient:
                TimeSpan delay;
                bool retry;
                if (pause == Pause.Outage)
                {
                    // The endpoint as a whole is paused: the batch goes again when the probe is due, if its time allows.
                    delay = untilProbe is { } until && until > TimeSpan.Zero ? until : TimeSpan.Zero;
                    retry = TimeLimit is not { } limit || elapsed + delay <= limit;
                }
                else
                {
                    retry = _retry.TryGetRetryDelay(attempts, error, elapsed, out delay);
                }

                // Only a put can have stored the batch; a failed CreateLogGroup or CreateLogStream on the way cannot.
                return retry
                    ? new Decision(DecisionKind.Retry, delay, MayHaveBeenDelivered: error.MayHaveBeenProcessed && error.Operation == "PutLogEvents")
                    : Decision.Drop(DropReason.RetryTimeLimit);

            case CloudWatchErrorKind.InvalidParameter:
                // Halving finds the offending events: the others are delivered, and only those are dropped.
                return events > 1 ? new Decision(DecisionKind.Split) : Decision.Drop(DropReason.InvalidEvent);

            case CloudWatchErrorKind.AccessDenied:
                return new Decision(DecisionKind.PauseForCredentials);

            default:
                return Decision.Drop(DropReason.DeliveryFailed);
        }
    }

    private Decision AfterUnexpected(int attempts, int unexpectedFailures, TimeSpan elapsed)
    {
        // The request may or may not have gone out: a few more tries, with backoff, rather than losing the batch to one
        // surprise; then, since it may be a fault of ours that would fail every time, the batch is given up.
        if (unexpectedFailures + 1 >= MaxUnexpectedFailures)
        {
            return Decision.Drop(DropReason.DeliveryFailed);
        }

        TimeSpan delay = _retry.Backoff(attempts);
        if (TimeLimit is { } limit && elapsed + delay > limit)
        {
            delay = TimeSpan.Zero;
        }

        return new Decision(DecisionKind.Retry, delay, MayHaveBeenDelivered: true);
    }
}
