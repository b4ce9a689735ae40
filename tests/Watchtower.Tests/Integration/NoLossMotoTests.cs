using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Watchtower.Diagnostics;
using Watchtower.Tests.Support;
using Watchtower.Tests.Support.Faults;
using Xunit.Abstractions;

namespace Watchtower.Tests.Integration;

/// <summary>
/// The no-loss proof, end to end: 100,000 uniquely numbered events over four streams go through the fault proxy to
/// moto_server while it injects each fault in turn; then every event is read back. Each one must be there, or be
/// counted as dropped with its reason; every duplicate must be covered by the possibly-duplicated count; and each
/// stream must hold its events in the order they were logged.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class NoLossMotoTests(MotoFixture moto, ITestOutputHelper output)
{
    private const int Total = 100_000;
    private const int Streams = 4;

    [Fact]
    public async Task EveryEventIsDeliveredOrCountedAsDropped_WhileEachFaultIsInjectedInTurn()
    {
        var script = new FaultScript { AlwaysRejectPoison = true, Delay = TimeSpan.FromSeconds(3) };
        await using var proxy = new FaultProxy(moto.Endpoint, script);
        using var client = new CloudWatchLogsClient(new CloudWatchLogsClientOptions
        {
            ServiceUrl = proxy.Url,
            Region = "us-east-1",
            Credentials = new BasicAWSCredentials("testing-access-key", "testing-secret-key"),
            RequestTimeout = TimeSpan.FromSeconds(2),
        });
        string group = MotoFixture.UniqueGroupName("no-loss");
        var warnings = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = new CloudWatchLogHandlerOptions
        {
            LogGroupName = group,
            LogStreamName = "{logger_name}",
            Client = client,
            QueueLimit = Total,
            SendInterval = TimeSpan.FromSeconds(1),
            RetryTimeLimit = TimeSpan.FromMinutes(2),
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxBackoff = TimeSpan.FromMilliseconds(400),
            AccessDeniedProbeDelay = TimeSpan.FromMilliseconds(100),
        };
        var handler = new CloudWatchLogHandler(options, TimeProvider.System, new WarningSink(warnings.Enqueue, TimeProvider.System, interval: TimeSpan.Zero));

        // One phase per fault: the fault is queued, a tenth of the events is logged, and the phase is flushed.
        Action[] faults =
        [
            () => script.Then(FaultKind.Throttle, 3),
            () => script.Then(FaultKind.ServerError, 2),
            () => script.Then(FaultKind.ServiceUnavailable, 2),
            () => script.Then(FaultKind.ResetAfterForwarding, 1),
            () => script.Then(FaultKind.DelayPastTimeout, 1),
            () => script.RefuseConnectionsFor(TimeSpan.FromSeconds(1)),
            () => script.Then(FaultKind.StreamNotFound, 1),
            () => script.Then(FaultKind.RejectEdgeEvents, 1),
            () => script.Then(FaultKind.AccessDenied, 2),
            () => { }, // the poison event below: InvalidParameter until the batch is split down to it
        ];
        const int PoisonNumber = 95_555;
        var clock = Stopwatch.StartNew();
        int perPhase = Total / faults.Length;
        for (int phase = 0; phase < faults.Length; phase++)
        {
            faults[phase]();
            for (int n = phase * perPhase; n < (phase + 1) * perPhase; n++)
            {
                string message = string.Create(CultureInfo.InvariantCulture, $"n={n:D6} phase={phase} {(n == PoisonNumber ? FaultScript.PoisonMarker : "")} payload-padding-to-about-one-hundred-bytes-xxxxxxxxxxxxxxxxxxxxxxxxxxxx");
                Assert.True(handler.Emit(message, DateTimeOffset.UtcNow, "stream-" + (n % Streams)));
            }

            await handler.FlushAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }

        await handler.DisposeAsync();
        TimeSpan shipped = clock.Elapsed;
        HandlerMetrics metrics = handler.Metrics;

        // Read everything back, directly from moto.
        using CloudWatchLogsClient reader = moto.CreateClient();
        var occurrences = new Dictionary<int, int>();
        for (int s = 0; s < Streams; s++)
        {
            int last = -1;
            await foreach (OutputLogEvent e in reader.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = "stream-" + s, StartFromHead = true }))
            {
                if (!e.Message!.StartsWith("n=", StringComparison.Ordinal))
                {
                    continue; // an in-band drop report
                }

                int n = int.Parse(e.Message.AsSpan(2, 6), CultureInfo.InvariantCulture);
                Assert.Equal(s, n % Streams);
                int seen = occurrences.GetValueOrDefault(n);
                occurrences[n] = seen + 1;
                if (seen == 0)
                {
                    // First occurrences in logging order; a resent batch repeats a run that was already seen.
                    Assert.True(n > last, $"stream-{s}: event {n} arrived after event {last}");
                    last = n;
                }
            }
        }

        int missing = Total - occurrences.Count;
        int duplicates = occurrences.Values.Sum(c => c - 1);
        output.WriteLine($"shipped in {shipped.TotalSeconds:0.0} s; read back {occurrences.Count} distinct, {duplicates} duplicates; " +
            $"dropped {metrics.DroppedTotal} ({string.Join(", ", Enum.GetValues<DropReason>().Where(r => metrics.Dropped(r) > 0).Select(r => $"{r.TagValue()} {metrics.Dropped(r)}"))}); " +
            $"possibly duplicated {metrics.PossiblyDuplicated}; retries {metrics.Retries}; refused connections {script.Refused}");
        foreach (string warning in warnings)
        {
            output.WriteLine("warning: " + warning);
        }

        // Nothing lost silently: each missing event is counted, with its reason.
        Assert.Equal(missing, metrics.DroppedTotal);
        Assert.Equal(1, metrics.Dropped(DropReason.InvalidEvent));
        Assert.False(occurrences.ContainsKey(PoisonNumber));
        Assert.Equal(1, metrics.Dropped(DropReason.RejectedExpired));
        Assert.Equal(1, metrics.Dropped(DropReason.RejectedTooNew));
        Assert.Equal(3, missing);

        // Duplicates happen only where a resend followed an ambiguous failure, and each is counted.
        Assert.InRange(duplicates, 1, metrics.PossiblyDuplicated);

        // Every fault was actually injected.
        foreach (FaultKind kind in new[] { FaultKind.Throttle, FaultKind.ServerError, FaultKind.ServiceUnavailable, FaultKind.ResetAfterForwarding, FaultKind.DelayPastTimeout, FaultKind.StreamNotFound, FaultKind.RejectEdgeEvents, FaultKind.AccessDenied, FaultKind.RejectPoisonEvent })
        {
            Assert.True(script.Injected(kind) > 0, $"{kind} was never injected");
        }

        Assert.True(script.Refused > 0, "connections were never refused");
        Assert.Contains(warnings, w => w.Contains("refused the credentials", StringComparison.Ordinal));
    }
}
