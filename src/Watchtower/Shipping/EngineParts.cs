using Watchtower.CloudWatch;
using Watchtower.Diagnostics;

namespace Watchtower.Shipping;

/// <summary>
/// The engine's parts, made from the options, for the sender loop (or the caller-thread sender) to run on, and what
/// disposal must close. Every decision about sizes and bounds that the options imply is made here, once.
/// </summary>
internal sealed class EngineParts : IDisposable
{
    private readonly bool _ownsClient;

    public EngineParts(CloudWatchLogHandlerOptions options, CloudWatchLogsClient client, bool ownsClient, EventQueue? queue, DeliveryLedger ledger, ShippingLog log, BatchRules rules, StreamNames names, TimeProvider clock)
    {
        Client = client;
        _ownsClient = ownsClient;
        Wake = new WakeSignal(clock);
        var retry = new RetryPolicy(
            clock,
            maxAttempts: int.MaxValue,
            baseDelay: options.RetryBaseDelay,
            maxBackoff: options.RetryMaxBackoff,
            timeLimit: options.RetryTimeLimit,
            useRetryQuota: false); // the quota would turn a long outage into drops; the time limit bounds retries instead
        var policy = new DeliveryPolicy(retry);
        Provisioner = new LogGroupProvisioner(client, options, log, AbortSends.Token);
        Sender = new SenderParts(
            queue!,
            ledger,
            new StreamTable(rules, options.LogGroupName, ledger.Memory, clock),
            Flushes,
            new BatchAttempt(client, Provisioner, AbortSends.Token),
            policy,
            new BatchOutcomes(log, ledger, policy, client.ServiceUrl, options.LogGroupRetentionDays),
            new CircuitBreaker(clock, options.AccessDeniedProbeDelay, options.AccessDeniedMaxProbeDelay, options.RetryBaseDelay, options.RetryMaxBackoff),
            log,
            Provisioner,
            new InBandDropReport(options.ReportDropsInStream, log.Metrics, clock),
            names,
            Wake,
            clock,
            AbortSends.Token);
    }

    public CloudWatchLogsClient Client { get; }

    public SenderParts Sender { get; }

    public LogGroupProvisioner Provisioner { get; }

    public FlushTracker Flushes { get; } = new();

    public WakeSignal Wake { get; }

    /// <summary>Cancelled when shutdown runs out of time: the requests in flight are abandoned.</summary>
    public CancellationTokenSource AbortSends { get; } = new();

    /// <summary>
    /// The client to send with: the one given, or one made from the options. What the machine lacks for one (no region,
    /// a missing profile) is not thrown: it is the reason returned, and nothing is then shipped.
    /// </summary>
    public static (CloudWatchLogsClient? Client, bool Owned, string? NotConfigured) CreateClient(CloudWatchLogHandlerOptions options, TimeProvider clock)
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
    public static DeliveryLedger CreateLedger(CloudWatchLogHandlerOptions options, EventQueue? queue)
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
        Provisioner.Dispose();
        Wake.Dispose();

        // AbortSends is not disposed: a sender left behind at shutdown may still hold its token.
        if (_ownsClient)
        {
            Client.Dispose();
        }
    }
}
