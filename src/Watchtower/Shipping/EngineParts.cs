using Watchtower.CloudWatch;
using Watchtower.Diagnostics;

namespace Watchtower.Shipping;

/// <summary>
/// The engine's parts, made from the options: the one place where every decision about sizes and bounds that the
/// options imply is made, once. The handler keeps what its hot path reads and runs the lifecycle; the sender loop (or
/// the caller-thread sender, without a queue) runs on the rest. Disposal closes what the parts own.
/// </summary>
internal sealed class EngineParts : IDisposable
{
    /// <summary>The least memory an event is taken to need in the queue, for the count the byte bound implies.</summary>
    private const int MinEventFootprint = 64;

    private readonly bool _ownsClient;
    private readonly TimeProvider _clock;
    private Task _sender = Task.CompletedTask;

    private EngineParts(CloudWatchLogHandlerOptions options, TimeProvider clock, WarningSink? warnings)
    {
        _clock = clock;
        Rules = new BatchRules(options.MaxBatchSize, options.MaxBatchCount, options.MaxMessageSize);
        Names = new StreamNames(StreamNameTemplate.Parse(options.LogStreamName));
        (CloudWatchLogsClient? client, _ownsClient, NotConfigured) = CreateClient(options, clock);
        if (options.UseQueues && client is not null)
        {
            // A batch's worth waiting is worth waking the sender for; fewer events wait for their deadline.
            // The byte bound is the bound; the count is capped by it too (64 bytes per event: its 32-byte slot, at most
            // half of it), so that a flood of tiny messages cannot grow the slots past the memory the bytes allow.
            // With the on-disk buffer, queued events must reach the disk within BufferWriteInterval (at once, when each
            // call waits for its event to be on the disk). The sender aims at half of it, so that a busy machine, whose
            // timers and thread pool run late, still keeps the promise.
            int countLimit = (int)Math.Min(options.QueueLimit, Math.Max(1, options.QueueByteLimit / MinEventFootprint));
            TimeSpan deadline = options.BufferDirectory is null ? options.SendInterval
                : options.BufferWaitForFsync ? TimeSpan.Zero
                : TimeSpan.FromTicks(Math.Min(options.SendInterval.Ticks, options.BufferWriteInterval.Ticks / 2));
            Queue = new EventQueue(countLimit, options.QueueByteLimit, options.QueueFullMode, clock, wakeCount: options.MaxBatchCount, wakeBytes: options.MaxBatchSize, deadline: deadline);
        }

        Ledger = CreateLedger(options, Queue);
        EventQueue? queue = Queue;
        DeliveryLedger ledger = Ledger;
        var metrics = new HandlerMetrics(options.LogGroupName, () => queue?.Count ?? 0, () => ledger.Enqueued);
        Log = new ShippingLog(warnings ?? WarningSink.StandardError(clock), metrics, options.LogGroupName);
        Wake = new WakeSignal(clock);
        if (client is null)
        {
            Log.NotConfiguredAtStartup(NotConfigured!);
            return;
        }

        if (Queue is not null && options.BufferDirectory is not null)
        {
            Buffer = OpenBuffer(options, clock, client);
            Ledger.Buffer = Buffer;
            Gate = Buffer is not null && options.BufferWaitForFsync ? new Buffering.DurabilityGate() : null;
        }

        Client = client;
        Provisioner = new LogGroupProvisioner(client, options, Log, AbortSends.Token);
        SenderParts sender = CreateSenderParts(options, client, clock);
        if (Queue is null)
        {
            Direct = new SynchronousSender(sender, Rules, options.LogGroupName);
        }
        else
        {
            Loop = new SenderLoop(sender, options.SendInterval, options.MaxConcurrentSends);
        }
    }

    public BatchRules Rules { get; }

    public StreamNames Names { get; }

    public DeliveryLedger Ledger { get; }

    public ShippingLog Log { get; }

    /// <summary>Null without queues (<see cref="CloudWatchLogHandlerOptions.UseQueues"/> false) or without a client.</summary>
    public EventQueue? Queue { get; }

    /// <summary>The background sender, when there is a queue.</summary>
    public SenderLoop? Loop { get; }

    /// <summary>The on-disk buffer (<see cref="CloudWatchLogHandlerOptions.BufferDirectory"/>), when it could be opened.</summary>
    public Buffering.DiskBuffer? Buffer { get; }

    /// <summary>Where logging calls wait for the disk, with <see cref="CloudWatchLogHandlerOptions.BufferWaitForFsync"/>.</summary>
    public Buffering.DurabilityGate? Gate { get; }

    /// <summary>The caller-thread sender, without a queue.</summary>
    public SynchronousSender? Direct { get; }

    /// <summary>Why nothing can be shipped in this process (no region, a missing profile), or null when all is set up.</summary>
    public string? NotConfigured { get; }

    /// <summary>Null when <see cref="NotConfigured"/> says why.</summary>
    public CloudWatchLogsClient? Client { get; }

    public LogGroupProvisioner? Provisioner { get; }

    public FlushTracker Flushes { get; } = new();

    public WakeSignal Wake { get; }

    /// <summary>Cancelled when shutdown runs out of time: the requests in flight are abandoned.</summary>
    public CancellationTokenSource AbortSends { get; } = new();

    /// <summary>Completes when the background sender has stopped (at once when there is none).</summary>
    public Task SenderStopped => _sender;

    /// <summary>Makes the parts; the options have been checked. No AWS call is made here.</summary>
    public static EngineParts Create(CloudWatchLogHandlerOptions options, TimeProvider clock, WarningSink? warnings) => new(options, clock, warnings);

    /// <summary>Starts the background sender, if there is one; once.</summary>
    public void StartSender()
    {
        if (Loop is null)
        {
            return;
        }

        // The sender must not inherit the first caller's async-locals (logging scopes, activity); it marks its own.
        using (ExecutionContext.SuppressFlow())
        {
            _sender = Task.Run(Loop.RunAsync);
        }
    }

    /// <summary>
    /// Closes the queue and lets the sender deliver what it holds, waiting at most <paramref name="timeout"/>; past it,
    /// abandons the requests in flight, and past a tenth more, leaves the sender behind (told on stderr).
    /// </summary>
    public async Task StopSenderAsync(TimeSpan timeout)
    {
        if (Loop is null)
        {
            return;
        }

        Queue!.Close();
        Loop.BeginStop();
        try
        {
            await _sender.WaitAsync(timeout, _clock).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // An HTTP handler that ignores cancellation gets a tenth of the timeout more; then the sender is left behind.
            await AbortSends.CancelAsync().ConfigureAwait(false);
            Wake.Set();
            try
            {
                await _sender.WaitAsync(timeout / 10, _clock).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Log.SenderStuck();
            }
        }
    }

    private SenderParts CreateSenderParts(CloudWatchLogHandlerOptions options, CloudWatchLogsClient client, TimeProvider clock)
    {
        var retry = new RetryPolicy(
            clock,
            maxAttempts: int.MaxValue,
            baseDelay: options.RetryBaseDelay,
            maxBackoff: options.RetryMaxBackoff,
            timeLimit: Buffer is null ? options.RetryTimeLimit : null, // with the disk buffer an outage costs disk, within BufferMaxBytes
            useRetryQuota: false); // the quota would turn a long outage into drops; the time limit bounds retries instead
        var policy = new DeliveryPolicy(retry);
        return new SenderParts(
            Queue!,
            Ledger,
            new StreamTable(Rules, options.LogGroupName, Ledger.Memory, clock),
            Flushes,
            new BatchAttempt(client, Provisioner!, AbortSends.Token),
            policy,
            new BatchOutcomes(Log, Ledger, policy, client.ServiceUrl, options.LogGroupRetentionDays),
            new CircuitBreaker(clock, options.AccessDeniedProbeDelay, options.AccessDeniedMaxProbeDelay, options.RetryBaseDelay, options.RetryMaxBackoff),
            Log,
            Provisioner!,
            new InBandDropReport(options.ReportDropsInStream, Log.Metrics, clock),
            Names,
            Wake,
            clock,
            AbortSends.Token,
            Buffer,
            Gate);
    }

    /// <summary>The on-disk buffer; a directory another live handler holds fails the handler's construction, after what it made is closed.</summary>
    private Buffering.DiskBuffer? OpenBuffer(CloudWatchLogHandlerOptions options, TimeProvider clock, CloudWatchLogsClient client)
    {
        try
        {
            return Buffering.DiskBuffer.Open(options, clock, Log);
        }
        catch (InvalidOperationException)
        {
            Log.Metrics.Unregister();
            Wake.Dispose();
            if (_ownsClient)
            {
                client.Dispose();
            }

            throw;
        }
    }


    /// <summary>
    /// The client to send with: the one given, or one made from the options. What the machine lacks for one (no region,
    /// a missing profile) is not thrown: it is the reason returned, and nothing is then shipped.
    /// </summary>
    private static (CloudWatchLogsClient? Client, bool Owned, string? NotConfigured) CreateClient(CloudWatchLogHandlerOptions options, TimeProvider clock)
    {
        if (options.Client is not null)
        {
            return (options.Client, false, null);
        }

        try
        {
            var client = new CloudWatchLogsClient(
                new CloudWatchLogsClientOptions { Region = options.Region, ProfileName = options.ProfileName, ServiceUrl = options.ServiceUrl },
                handler: null,
                clock,
                AwsEnvironment.ProcessEnvironment);
            return (client, true, null);
        }
        catch (AwsSetupException e)
        {
            // A fact about this machine, not a mistake in the options: the application keeps running, nothing is shipped,
            // and every event is counted. Invalid options fail at startup, before this.
            return (null, false, e.Message);
        }
    }

    /// <summary>
    /// The ledger, with the sender's bound: room for a full batch in every request slot and another filling behind each,
    /// enough to keep the slots busy, counted in events, in bytes as CloudWatch counts them, and in the memory those
    /// batches' arrays really take (what bounds the sender whatever the number of streams, since streams of few events
    /// weigh far more than their events).
    /// </summary>
    private static DeliveryLedger CreateLedger(CloudWatchLogHandlerOptions options, EventQueue? queue)
    {
        int batches = options.MaxConcurrentSends * 2;
        return new DeliveryLedger(
            queue,
            eventLimit: (long)options.MaxBatchCount * batches,
            byteLimit: (long)options.MaxBatchSize * batches,
            new SenderMemory(),
            memoryLimit: batches * BatchArrays.FullBatchFootprint(options.MaxBatchSize, options.MaxBatchCount));
    }

    public void Dispose()
    {
        // A sender left behind at shutdown may still use the buffer; the process's end closes it then.
        if (_sender.IsCompleted)
        {
            Buffer?.Dispose();
        }

        Provisioner?.Dispose();
        Wake.Dispose();

        // AbortSends is not disposed: a sender left behind at shutdown may still hold its token.
        if (_ownsClient)
        {
            Client?.Dispose();
        }
    }
}
