using Watchtower.Diagnostics;

namespace Watchtower.Shipping;

/// <summary>
/// Delivery on the caller's thread, for <see cref="CloudWatchLogHandlerOptions.UseQueues"/> false: each event is sent
/// before its logging call returns, and nothing waits in memory. The same attempt, policy and accounting as the sender
/// loop, without a circuit: retries back off on their own, and refused credentials drop the event (counted).
/// </summary>
internal sealed class SynchronousSender
{
    private readonly DeliveryLedger _ledger;
    private readonly BatchAttempt _attempt;
    private readonly DeliveryPolicy _policy;
    private readonly BatchOutcomes _outcomes;
    private readonly ShippingLog _log;
    private readonly LogGroupProvisioner _provisioner;
    private readonly BatchRules _rules;
    private readonly string _logGroupName;
    private readonly TimeProvider _clock;
    private readonly CancellationToken _abort;
    private long _batchIds;

    public SynchronousSender(SenderParts parts, BatchRules rules, string logGroupName)
    {
        (_ledger, _attempt, _policy, _outcomes, _log, _provisioner, _clock, _abort) =
            (parts.Ledger, parts.Attempt, parts.Policy, parts.Outcomes, parts.Log, parts.Provisioner, parts.Clock, parts.Abort);
        _rules = rules;
        _logGroupName = logGroupName;
    }

    /// <summary>Sends one event, waiting for its outcome; never throws.</summary>
    /// <returns>True when it was delivered or counted as dropped after acceptance; false when it could not even be tried.</returns>
    public bool Send(ReadOnlySpan<byte> utf8Message, long timestampMs, string streamName)
    {
        int size = utf8Message.Length + CloudWatchLogHandlerOptions.EventOverhead;
        _ledger.AcceptOutsideQueue(sentWithoutQueue: true);
        _ledger.Hold(1, size);
        var stream = new StreamBuffer(streamName, _rules, _logGroupName, _ledger.Memory);
        long now = _clock.GetTimestamp();
        stream.Add(utf8Message, timestampMs, now, now, () => Interlocked.Increment(ref _batchIds));
        stream.Seal(Interlocked.Increment(ref _batchIds));
        stream.Forget(); // a stream of one batch, not kept
        Batch batch = stream.Sealed.First!.Value;
        bool finished = false;
        try
        {
            // The caller asked for synchronous sends: run on the pool (no caller context to deadlock on) and wait.
            Task.Run(async () =>
            {
                SenderScope.Enter();
                await _provisioner.EnsureLogGroupAsync().ConfigureAwait(false);
                await DeliverAsync(batch).ConfigureAwait(false);
                finished = true;
            }).GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e)
        {
            if (!finished)
            {
                _log.SendFailed(e);
                _ledger.Release(1, size);
            }

            return false;
        }
    }

    private async Task DeliverAsync(Batch first)
    {
        var work = new Stack<Batch>();
        work.Push(first);
        while (work.TryPop(out Batch? batch))
        {
            long now = _clock.GetTimestamp();
            batch.FirstAttemptAt ??= now;
            if (!_outcomes.BeforeAttempt(batch, _clock.GetUtcNow()))
            {
                continue;
            }

            AttemptResult result = await _attempt.SendAsync(batch.Body, batch.LogGroupName, batch.StreamName).ConfigureAwait(false);
            _outcomes.AfterAttempt(batch, result);
            TimeSpan elapsed = _clock.GetElapsedTime(batch.FirstAttemptAt.Value);
            Decision decision = _policy.Decide(result, batch.Attempts, batch.UnexpectedFailures, batch.Count, elapsed, Pause.None, untilProbe: null);
            switch (decision.Kind)
            {
                case DecisionKind.Delivered:
                    _outcomes.Delivered(batch, result);
                    break;
                case DecisionKind.Retry:
                    _outcomes.Retrying(batch, result, decision);
                    await Task.Delay(decision.Delay, _clock, _abort).ConfigureAwait(false);
                    work.Push(batch);
                    break;
                case DecisionKind.Split:
                    _outcomes.Split();
                    (Batch left, Batch right) = batch.Split();
                    work.Push(right);
                    work.Push(left);
                    break;
                case DecisionKind.PauseForCredentials:
                    // Nothing waits in memory without queues: report the refusal and count the event.
                    _outcomes.RefusedWithoutQueue(batch, result);
                    break;
                case DecisionKind.Drop:
                    _outcomes.Dropped(batch, result, decision, elapsed);
                    break;
                default:
                    break;
            }
        }
    }
}
