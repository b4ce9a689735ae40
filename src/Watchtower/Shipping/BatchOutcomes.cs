using Watchtower.Diagnostics;

namespace Watchtower.Shipping;

/// <summary>
/// What a decision about a batch means for the books and the log: counted, released, warned about, its buffers given
/// back. Shared by the sender loop and the caller-thread path (<see cref="CloudWatchLogHandlerOptions.UseQueues"/>
/// false), so that an outcome is accounted for the same way wherever it happens.
/// </summary>
internal sealed class BatchOutcomes
{
    private readonly ShippingLog _log;
    private readonly DeliveryLedger _ledger;
    private readonly DeliveryPolicy _policy;
    private readonly Uri _serviceUrl;
    private readonly int? _retentionDays;

    public BatchOutcomes(ShippingLog log, DeliveryLedger ledger, DeliveryPolicy policy, Uri serviceUrl, int? retentionDays)
    {
        _log = log;
        _ledger = ledger;
        _policy = policy;
        _serviceUrl = serviceUrl;
        _retentionDays = retentionDays;
    }

    /// <summary>
    /// Before an attempt: the events CloudWatch would refuse for their age now are counted and removed, the attempt is
    /// counted, and a resend after an ambiguous failure is counted as possibly duplicated.
    /// </summary>
    /// <returns>False when no event is left to send (the batch is then finished).</returns>
    public bool BeforeAttempt(Batch batch, DateTimeOffset utcNow)
    {
        (int tooOld, int expired, int tooNew) = BatchRules.CountOutsideAcceptedWindow(batch.Events, utcNow, _retentionDays);
        if (tooOld + expired + tooNew > 0)
        {
            _log.OutsideWindow(batch.StreamName, tooOld, expired, tooNew);
            int countBefore = batch.Count;
            _ledger.Release(batch.Events[..(tooOld + expired)]);
            _ledger.Release(batch.Events[(countBefore - tooNew)..]);
            batch.Keep(tooOld + expired, countBefore - tooOld - expired - tooNew);
            if (batch.Count == 0)
            {
                batch.ReturnBuffers();
                return false;
            }
        }

        batch.Attempts++;
        if (batch.MayHaveBeenDelivered)
        {
            // The last attempt may have been stored although its answer was lost: this one can duplicate it.
            _log.PossiblyDuplicated(batch.Count);
            batch.MayHaveBeenDelivered = false;
        }

        return true;
    }

    /// <summary>After any attempt: what it did on the way (streams created), and whether its body can be reused.</summary>
    public void AfterAttempt(Batch batch, AttemptResult result)
    {
        for (int i = 0; i < result.Recreated; i++)
        {
            _log.Recreated();
        }

        if (result.BodyMayStillBeRead)
        {
            batch.BodyReusable = false;
        }
    }

    public void Delivered(Batch batch, AttemptResult result)
    {
        (int expired, int tooOld, int tooNew) = result.Rejected?.CountRejectedByReason(batch.Count) ?? (0, 0, 0);
        _log.Sent(batch.StreamName, batch.Count, batch.Bytes, expired, tooOld, tooNew);
        Finish(batch);
    }

    /// <summary>The batch goes again after the decision's delay: said once per cause, its delivery state updated.</summary>
    public void Retrying(Batch batch, AttemptResult result, Decision decision)
    {
        batch.MayHaveBeenDelivered = decision.MayHaveBeenDelivered;
        if (result.Outcome == AttemptOutcome.Unexpected)
        {
            batch.UnexpectedFailures++;
            _log.UnexpectedFailure(batch.StreamName, result.Unexpected!);
        }
        else if (result.IsUnreachable)
        {
            _log.Retried();
            _log.Unreachable(result.Error!, _serviceUrl, _policy.TimeLimit);
        }
        else
        {
            _log.Retrying(batch.StreamName, result.Error!, _policy.TimeLimit);
        }
    }

    /// <summary>The batch is given up: its events counted by the decision's reason, with the warning that names why.</summary>
    public void Dropped(Batch batch, AttemptResult result, Decision decision, TimeSpan elapsed)
    {
        switch (result.Outcome)
        {
            case AttemptOutcome.Unexpected:
                _log.UnexpectedFailureDropped(batch.StreamName, batch.Count, batch.UnexpectedFailures + 1, result.Unexpected!);
                break;
            case AttemptOutcome.Failed when decision.Reason == DropReason.RetryTimeLimit:
                _log.RetryTimeLimit(batch.StreamName, batch.Count, batch.Attempts, elapsed, result.Error!);
                break;
            case AttemptOutcome.Failed when decision.Reason == DropReason.InvalidEvent:
                _log.InvalidEvent(batch.StreamName, result.Error!);
                break;
            default:
                _log.DeliveryFailed(batch.Count, result.Error!);
                break;
        }

        Finish(batch);
    }

    /// <summary>A batch that waited behind an outage's probe past its RetryTimeLimit.</summary>
    public void HeldTooLong(Batch batch, TimeSpan elapsed)
    {
        _log.HeldPastRetryTimeLimit(batch.StreamName, batch.Count, elapsed);
        Finish(batch);
    }

    /// <summary>Refused credentials when nothing may wait in memory (no queue): the batch is counted and given up.</summary>
    public void RefusedWithoutQueue(Batch batch, AttemptResult result)
    {
        _log.CredentialsRefusedWithoutQueue(batch.Count, result.Error!);
        Finish(batch);
    }

    public void Split() => _log.Split();

    private void Finish(Batch batch)
    {
        _ledger.Release(batch.Events);
        batch.ReturnBuffers();
    }
}
