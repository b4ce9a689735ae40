using System.Collections.Concurrent;
using Watchtower.Buffering;
using Watchtower.Diagnostics;

namespace Watchtower.Shipping;

/// <summary>
/// The one background sender. Each round it takes events from the queue into per-stream batches (within the
/// sender's bound), applies the attempts that finished, seals what is due (by the deadline, a flush, shutdown),
/// and starts attempts, one request per stream and a few streams at a time, as the circuit allows; then it sleeps until
/// something it can act on falls due. It alone writes streams, batches, flush state and the ledger's releases: an
/// attempt runs on the thread pool, only does I/O, and hands its result back through a queue.
/// </summary>
internal sealed class SenderLoop
{
    // The most events taken from the queue per acquisition of its lock, so that writers never wait long for it.
    private const int DrainBite = 64;

    private readonly EventQueue _queue;
    private readonly DeliveryLedger _ledger;
    private readonly StreamTable _streams;
    private readonly FlushTracker _flushes;
    private readonly BatchAttempt _attempt;
    private readonly DeliveryPolicy _policy;
    private readonly BatchOutcomes _outcomes;
    private readonly CircuitBreaker _circuit;
    private readonly ShippingLog _log;
    private readonly LogGroupProvisioner _provisioner;
    private readonly InBandDropReport _report;
    private readonly StreamNames _names;
    private readonly WakeSignal _wake;
    private readonly TimeProvider _clock;
    private readonly CancellationToken _abort;
    private readonly DiskBuffer? _buffer;
    private readonly BufferIntake? _intake;
    private readonly TimeSpan _sendInterval;
    private readonly int _maxConcurrentSends;
    private readonly List<QueuedEvent> _drained = new(1024);
    private readonly ConcurrentQueue<(Batch Batch, AttemptResult Result)> _completed = new();

    // One delegate for the loop's life: a method group passed per event would allocate a delegate per event.
    private readonly Func<long> _newBatchId;

    private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private bool _finalReportWritten;
    private bool _lastLookAtCredentials;
    private string? _lastStreamName;
    private volatile bool _stopping;
    private bool _credentialsMissing;
    private long _rounds;
    private int _streamCount;

    public SenderLoop(SenderParts parts, TimeSpan sendInterval, int maxConcurrentSends)
    {
        (_queue, _ledger, _streams, _flushes, _attempt, _policy, _outcomes, _circuit, _log, _provisioner, _report, _names, _wake, _clock, _abort, _buffer, DurabilityGate? gate) = parts;
        _intake = _buffer is null ? null : new BufferIntake(_buffer, gate, _queue);
        _sendInterval = sendInterval;
        _maxConcurrentSends = maxConcurrentSends;
        _newBatchId = _flushes.NewBatchId;
    }

    /// <summary>Whether the last attempt found no credentials at all (no request could be signed); read by disposal.</summary>
    public bool CredentialsMissing => Volatile.Read(ref _credentialsMissing);

    public long Rounds => Interlocked.Read(ref _rounds);

    public int StreamCount => Volatile.Read(ref _streamCount);

    public bool IsPausedFor(Pause pause) => _circuit.Pause == pause;

    /// <summary>
    /// For tests: check the ledger's invariant each time the loop goes to sleep, the one moment it is exact (the loop is
    /// the only writer of what the sender holds and finishes; the queue's side is read under its lock).
    /// </summary>
    public bool VerifiesLedger { get; set; }

    /// <summary>The first imbalance <see cref="VerifiesLedger"/> found, with the round it was found in; null if none.</summary>
    public string? LedgerFault { get; private set; }

    /// <summary>Shutdown began: seal everything once the queue is drained, and stop when all is delivered.</summary>
    public void BeginStop()
    {
        _stopping = true;
        _wake.Set();
    }

    /// <summary>Completes the next time the loop has taken all it can and sleeps; for tests that drive a fake clock.</summary>
    public Task WhenIdleAsync()
    {
        TaskCompletionSource idle = _idle;
        _wake.Set();
        return idle.Task;
    }

    public async Task RunAsync()
    {
        SenderScope.Enter();
        try
        {
            await SetUpAsync().ConfigureAwait(false);
            while (true)
            {
                long now = _clock.GetTimestamp();
                Interlocked.Increment(ref _rounds);

                // Finished attempts first: what they release is room to take more from the queue in this same round (a
                // finished attempt is the only wake a sender at its bound gets).
                if (ApplyCompletedAttempts(now) && !_provisioner.IsSetupDone)
                {
                    // The startup work met no credentials or no answer; a put has now been accepted, so it can be done.
                    await _provisioner.EnsureLogGroupAsync().ConfigureAwait(false);
                }

                TakeFromQueue(now);

                bool stopping = _stopping;
                var wake = default(NextWake);
                PrepareToStop(stopping, now);
                SealDue(stopping, now, ref wake);
                bool aborted = _abort.IsCancellationRequested;
                if (!aborted)
                {
                    DropBatchesHeldPastTheirTime(now);
                    Dispatch(now, ref wake);
                }

                _flushes.CompleteFinished();
                _streams.ForgetIdle(now, _ledger.AtBound);
                Volatile.Write(ref _streamCount, _streams.Count);
                if (IsDone(stopping, aborted, now))
                {
                    return;
                }

                await SleepAsync(now, wake.Value).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Shutdown ran out of time while the loop was waiting on the service; disposal counts what is left.
        }
        catch (Exception e)
        {
            // The loop itself must never die silently: report, and let disposal count what is left.
            _log.SenderFailed(e);
        }
        finally
        {
            // What is left on the disk is delivered by the next handler on the directory: record how far this one got.
            _intake?.Stop(_clock.GetTimestamp());
            _flushes.ReleaseAll();
        }
    }

    /// <summary>
    /// The log group's setup, before the first round. With the buffer the queue goes on to the disk meanwhile, within
    /// BufferWriteInterval: a setup that waits on an unreachable endpoint must not leave accepted events in memory only.
    /// </summary>
    private async Task SetUpAsync()
    {
        Task setup = _provisioner.EnsureLogGroupAsync();
        while (_intake is not null && !setup.IsCompleted)
        {
            long now = _clock.GetTimestamp();
            _queue.OnSenderAwake();
            _intake.Spool(now);
            _intake.Record(now);
            await Task.WhenAny(setup, SleepAsync(now, Timeout.InfiniteTimeSpan)).ConfigureAwait(false);
        }

        await setup.ConfigureAwait(false);
    }

    /// <summary>
    /// Moves events into their streams' batches while the sender's bound allows: from the queue, or, with the on-disk
    /// buffer, the whole queue to the disk first and then from the disk (from the queue again only while the disk fails).
    /// </summary>
    private void TakeFromQueue(long now)
    {
        if (_buffer is null)
        {
            TakeFromMemory(now);
            return;
        }

        bool spooled = _intake!.Spool(now);
        TakeFromBuffer(now);
        if (!spooled && _buffer.AllRead)
        {
            TakeFromMemory(now);
        }

        // Before anything read is sent: a crash from here on re-sends it, and counts it as possibly duplicated.
        _intake.Record(now);
    }

    /// <summary>Reads events from the on-disk buffer into their streams' batches, in bites, while the sender's bound allows.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void TakeFromBuffer(long now)
    {
        (long roomEvents, long roomBytes) = _ledger.Room;
        bool first = true;
        string? lastName = null;
        StreamBuffer? lastStream = null;
        long dueAtOnce = now - Ticks(_sendInterval);
        while (roomEvents > 0 && roomBytes > 0 && !_ledger.AtBound)
        {
            long events = 0, bytes = 0, recovered = 0;
            int resent = 0;
            while (events < DrainBite && events < roomEvents && bytes < roomBytes && _buffer!.TryRead(out BufferedEvent read))
            {
                bool ownGroup = read.LogGroupName == _streams.LogGroupName;
                if (first && ownGroup)
                {
                    // The drop report goes into the handler's own group only.
                    WriteDropReport(_streams.For(read.StreamName), read.TimestampMs, now);
                    first = false;
                }

                if (!ReferenceEquals(read.StreamName, lastName) || read.LogGroupName != lastStream!.LogGroupName)
                {
                    lastName = read.StreamName;
                    lastStream = _streams.For(read.LogGroupName, lastName);
                }

                events++;
                bytes += read.Message.Length + CloudWatchLogHandlerOptions.EventOverhead;
                recovered += read.Recovered ? 1 : 0;
                resent += read.PossiblyDuplicated ? 1 : 0;

                // An earlier process's events are due at once: their deadline passed while nobody was sending.
                lastStream!.Add(read.Message, read.TimestampMs, read.ArrivedAt ?? dueAtOnce, now, _newBatchId, read.Sequence);
            }

            if (events == 0)
            {
                break;
            }

            _ledger.Hold(events, bytes);
            if (recovered > 0)
            {
                _ledger.AcceptRecovered(recovered);
                _log.BufferRecovered(recovered);
            }

            if (resent > 0)
            {
                _log.PossiblyDuplicated(resent);
            }

            roomEvents -= events;
            roomBytes -= bytes;
            if (lastStream!.LogGroupName == _streams.LogGroupName)
            {
                _lastStreamName = lastName;
            }
        }
    }

    /// <summary>Moves events from the queue into their streams' batches, in bites, while the sender's bound allows.</summary>
    private void TakeFromMemory(long now)
    {
        // Within the bound only: beyond it the queue fills up and QueueFullMode applies, so memory stays bounded however
        // slow or absent the service is.
        (long roomEvents, long roomBytes) = _ledger.Room;
        _queue.OnSenderAwake();
        bool drainedAny = false;
        while (roomEvents > 0 && roomBytes > 0 && !_ledger.AtBound
            && _queue.Drain(_drained, (int)Math.Min(roomEvents, DrainBite), roomBytes, out long queueNonEmptySince, out long bytes) > 0)
        {
            _ledger.Hold(_drained.Count, bytes);
            roomEvents -= _drained.Count;
            roomBytes -= bytes;
            if (!drainedAny)
            {
                // Once per round, before the round's first event: not per bite.
                WriteDropReport(_streams.For(_drained[0].StreamName), _drained[0].TimestampMs, now);
            }

            // Events come in runs of the same stream: look a stream up only when the name changes (the names are
            // shared strings, so a reference check is enough to see a run continue).
            string? lastName = null;
            StreamBuffer? lastStream = null;
            foreach (QueuedEvent queued in _drained)
            {
                if (!ReferenceEquals(queued.StreamName, lastName))
                {
                    lastName = queued.StreamName;
                    lastStream = _streams.For(lastName);
                }

                // The deadline counts from arrival; both bounds are no later than it, the later one is closer.
                long arrivedAt = Math.Max(queued.Chunk.FirstWriteAt, queueNonEmptySince);
                lastStream!.Add(queued.Message, queued.TimestampMs, arrivedAt, now, _newBatchId);
            }

            _lastStreamName = lastName;

            // Every message is copied out: the next bite may reuse their chunks.
            _drained.Clear();
            drainedAny = true;
        }

        if (drainedAny)
        {
            _queue.OnDrainProcessed();
        }
    }

    /// <summary>Writes the in-band drop report into <paramref name="stream"/> when one is due; the report is an event of its own.</summary>
    private void WriteDropReport(StreamBuffer stream, long timestampMs, long now, bool force = false)
    {
        if (_report.Take(now, force) is not { } utf8)
        {
            return;
        }

        _ledger.AcceptOutsideQueue();
        _ledger.Hold(1, utf8.Length + CloudWatchLogHandlerOptions.EventOverhead);
        stream.Add(utf8, timestampMs, now, now, _newBatchId);
    }

    /// <returns>Whether any attempt stored its batch.</returns>
    private bool ApplyCompletedAttempts(long now)
    {
        bool stored = false;
        while (_completed.TryDequeue(out (Batch Batch, AttemptResult Result) done))
        {
            _inFlight--;
            stored |= done.Result.Outcome == AttemptOutcome.Stored;
            Apply(done.Batch, done.Result, now);
        }

        return stored;
    }

    /// <summary>The one place an attempt's result takes effect: on the circuit, then on the batch, as the policy decides.</summary>
    private void Apply(Batch batch, AttemptResult result, long now)
    {
        StreamBuffer stream = _streams.For(batch.LogGroupName, batch.StreamName);
        stream.InFlight = false;
        stream.LastActive = now;
        bool wasProbe = batch.IsProbe;
        batch.IsProbe = false;
        _outcomes.AfterAttempt(batch, result);
        UpdateCircuit(result, now, wasProbe);

        TimeSpan elapsed = _clock.GetElapsedTime(batch.FirstAttemptAt ?? now, now);
        Decision decision = _policy.Decide(result, batch.Attempts, batch.UnexpectedFailures, batch.Count, elapsed, _circuit.Pause, _circuit.UntilProbe(now));
        switch (decision.Kind)
        {
            case DecisionKind.Delivered:
                _outcomes.Delivered(batch, result);
                _flushes.OnFinished(batch.Id);
                break;
            case DecisionKind.Retry:
                _outcomes.Retrying(batch, result, decision);
                StreamTable.Requeue(stream, batch, now + Ticks(decision.Delay));
                break;
            case DecisionKind.Split:
                _outcomes.Split();
                (Batch first, Batch second) = batch.Split();
                stream.Sealed.AddFirst(second);
                stream.Sealed.AddFirst(first);
                _flushes.OnSplit(batch.Id);
                break;
            case DecisionKind.PauseForCredentials:
                stream.Sealed.AddFirst(batch);
                break;
            case DecisionKind.Drop:
                _outcomes.Dropped(batch, result, decision, elapsed);
                _flushes.OnFinished(batch.Id);
                break;
            default:
                // Abandoned at shutdown: disposal counts the events; the body may still be read, so it is not reused.
                break;
        }
    }

    /// <summary>What an attempt says about the endpoint and the credentials, and the warnings of each change.</summary>
    private void UpdateCircuit(AttemptResult result, long now, bool wasProbe)
    {
        Pause pause = _circuit.Pause;
        if (result.Outcome == AttemptOutcome.Stored)
        {
            Volatile.Write(ref _credentialsMissing, false);
            if (_circuit.OnAccepted())
            {
                TellResumed(pause);
            }
        }
        else if (result.IsEndpointFailure)
        {
            if (_circuit.OnEndpointFailure(now, wasProbe) && !result.IsUnreachable)
            {
                _log.Outage(result.Error!, _circuit.Delay, _policy.MaxBackoff, _policy.TimeLimit);
            }
        }
        else if (result.Outcome == AttemptOutcome.Failed && result.Error!.Kind == CloudWatchErrorKind.AccessDenied)
        {
            OnCredentialsRefused(result.Error, now, wasProbe);
        }
        else if (result.IsAnsweredRefusal && _circuit.OnAnswered())
        {
            TellResumed(pause);
        }
    }

    private void TellResumed(Pause pause)
    {
        if (pause == Pause.AccessDenied)
        {
            _log.AccessRestored();
        }
        else
        {
            _log.OutageOver();
        }
    }

    /// <summary>
    /// Credentials missing (no request could be signed) or refused by the service: delivery pauses and probes with
    /// backoff. Each cause is told once, naming the fix, then reminded of at most once a minute while probes fail.
    /// </summary>
    private void OnCredentialsRefused(CloudWatchLogsException error, long now, bool wasProbe)
    {
        bool missing = error.ErrorCode == CloudWatch.CredentialSource.MissingCredentialsCode;
        Volatile.Write(ref _credentialsMissing, missing);
        bool opened = _circuit.OnRefused(now, wasProbe);
        if (missing && opened)
        {
            _log.NoCredentials(error, _circuit.Delay);
        }
        else if (missing && wasProbe)
        {
            _log.StillNoCredentials(_ledger.Pending);
        }
        else if (opened)
        {
            _log.AccessDenied(error, _circuit.Delay);
        }
    }

    /// <summary>At shutdown: a last look for missing credentials, and the last drop report, once the queue is drained.</summary>
    private void PrepareToStop(bool stopping, long now)
    {
        if (!stopping)
        {
            return;
        }

        if (!_lastLookAtCredentials && CredentialsMissing)
        {
            // Credentials missing when shutdown began may be there now: look once more, at once. If they are not,
            // waiting out ShutdownTimeout for them would only stall the application's exit.
            _lastLookAtCredentials = true;
            _circuit.ProbeNow();
        }

        if (!_finalReportWritten && _queue.Count == 0)
        {
            // The last drops of the run, however recent the last report: into the stream written last, before the final
            // batches are sealed (drops after this are the shutdown's own and are told on stderr).
            _finalReportWritten = true;
            DateTimeOffset utcNow = _clock.GetUtcNow();
            WriteDropReport(_streams.For(_lastStreamName ?? _names.For(string.Empty, utcNow)), utcNow.ToUnixTimeMilliseconds(), now, force: true);
        }
    }

    /// <summary>Seals the batches that are due, and lets drained flushes wait for what is sealed up to now.</summary>
    private void SealDue(bool stopping, long now, ref NextWake wake)
    {
        // Events the sender has taken (or that are finished) from the queue's side: with the buffer, less what waits on disk.
        long queueRemoved = _queue.Removed - (_buffer?.UnreadOwn ?? 0);
        bool flushDrained = _flushes.TakeRequests(queueRemoved);

        // At its bound with nothing sealed and nothing in flight, the sender would wait forever for batches to fill:
        // then, and only then, partial batches are sealed. At shutdown they still fill while the queue has events.
        bool stuck = _inFlight == 0 && _ledger.AtBound && !_streams.AnySealed;
        _streams.SealDue(now, _sendInterval, (stopping && _queue.Count == 0) || flushDrained || stuck, _newBatchId, ref wake);
        _flushes.OnSealed(queueRemoved);
    }

    /// <summary>
    /// While the endpoint is paused for an outage, only the probe is attempted; the batches waiting behind it count their
    /// time from when they were first held back, and each is dropped (counted as retry_time_limit) once the probe would
    /// come too late for it, so that an endless outage cannot hold old events while new ones are refused.
    /// </summary>
    private void DropBatchesHeldPastTheirTime(long now)
    {
        if (_circuit.Pause != Pause.Outage || _circuit.UntilProbe(now) is not { } untilProbe || _policy.TimeLimit is not { } limit)
        {
            return;
        }

        foreach (StreamBuffer stream in _streams.All)
        {
            while (!stream.InFlight && stream.Sealed.First is { } first)
            {
                Batch held = first.Value;
                held.FirstAttemptAt ??= now;
                TimeSpan elapsed = _clock.GetElapsedTime(held.FirstAttemptAt.Value, now);
                if (elapsed + untilProbe <= limit)
                {
                    break;
                }

                stream.Sealed.RemoveFirst();
                _outcomes.HeldTooLong(held, elapsed);
                _flushes.OnFinished(held.Id);
            }
        }
    }

    /// <summary>Starts attempts for the ready streams, in turn, while request slots and the circuit allow.</summary>
    private void Dispatch(long now, ref NextWake wake)
    {
        if (_inFlight >= _maxConcurrentSends)
        {
            return;
        }

        IReadOnlyList<StreamBuffer> ready = _streams.Ready(now, ref wake);
        DateTimeOffset utcNow = _clock.GetUtcNow();
        foreach (StreamBuffer stream in ready)
        {
            if (_inFlight >= _maxConcurrentSends || !_circuit.AllowsRequests(now, out bool isProbe))
            {
                break;
            }

            if (TakeSendable(stream, now, utcNow) is not { } batch)
            {
                continue;
            }

            batch.IsProbe = isProbe;
            if (isProbe)
            {
                _circuit.OnProbeSent();
            }

            _inFlight++;
            _ = RunAttemptAsync(batch);
        }

        if (ready.Count > 0 && _circuit.UntilProbe(now) is { } untilProbe)
        {
            wake.In(untilProbe);
        }
    }

    /// <summary>
    /// The stream's next batch that still has events to send once those CloudWatch would refuse for their age are
    /// counted and taken out; a batch left empty is finished, and the next one tried in the same turn.
    /// </summary>
    private Batch? TakeSendable(StreamBuffer stream, long now, DateTimeOffset utcNow)
    {
        while (stream.Sealed.Count > 0)
        {
            Batch batch = _streams.TakeForRequest(stream);
            batch.FirstAttemptAt ??= now;
            if (_outcomes.BeforeAttempt(batch, utcNow))
            {
                return batch;
            }

            stream.InFlight = false;
            _flushes.OnFinished(batch.Id);
        }

        return null;
    }

    private async Task RunAttemptAsync(Batch batch)
    {
        AttemptResult result = AttemptResult.Abandoned;
        try
        {
            result = await _attempt.SendAsync(batch.Body, batch.LogGroupName, batch.StreamName).ConfigureAwait(false);
        }
        finally
        {
            _completed.Enqueue((batch, result));
            _wake.Set();
        }
    }

    private bool IsDone(bool stopping, bool aborted, long now)
    {
        if (aborted && _inFlight == 0)
        {
            return true;
        }

        if (_lastLookAtCredentials && _inFlight == 0 && !_circuit.ProbeInFlight && _circuit.UntilProbe(now) != TimeSpan.Zero && CredentialsMissing)
        {
            // The last look found none either: disposal counts what is left, now.
            return true;
        }

        if (stopping && _buffer is not null && _queue.Count == 0 && _inFlight == 0 && _circuit.Pause != Pause.None)
        {
            // Nothing can be delivered now, and everything is on the disk: waiting out ShutdownTimeout would only delay the exit.
            return true;
        }

        return stopping && _queue.Count == 0 && _inFlight == 0 && _streams.AllIdle && (_buffer?.AllRead ?? true);
    }

    /// <summary>Sleeps until the earliest work is due, or something wakes the loop (an event, a flush, a finished attempt).</summary>
    private Task SleepAsync(long now, TimeSpan untilNextWork)
    {
        // Writers wake the sender only when it would otherwise be late; tell the queue when that is. A sender at its bound
        // cannot take from the queue, so the queue's deadline is then no reason to wake (a finished attempt will).
        bool atBound = _ledger.AtBound;
        if (VerifiesLedger && LedgerFault is null && _ledger.Inconsistency() is { } fault)
        {
            LedgerFault = $"round {Rounds}: {fault}";
        }

        // The buffer's next sync is work of its own; with a writable buffer the queue is always taken (to the disk), bound or not.
        untilNextWork = NextWake.Earliest(untilNextWork, _buffer?.UntilSync(now));
        long wakeAt = _queue.OnSenderSleeping(untilNextWork == Timeout.InfiniteTimeSpan ? long.MaxValue : now + Ticks(untilNextWork), canTake: !atBound || _buffer is { IsWritable: true });
        TimeSpan wait = wakeAt == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(Math.Max(0, wakeAt - now) / (double)_clock.TimestampFrequency);
        _wake.SetAfter(wait);
        Task woken = _wake.WaitAsync();

        // Signalled only once the deadline timer is armed, so that a test advancing a fake clock cannot get ahead of it.
        if ((_queue.Count == 0 && (_buffer?.AllRead ?? true)) || atBound)
        {
            Interlocked.Exchange(ref _idle, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        return woken;
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _clock.TimestampFrequency);
}
