using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using Watchtower.Diagnostics;
using Watchtower.Tests.Support.Faults;

namespace Watchtower.Tests.Support;

/// <summary>A handler wired to a <see cref="StrictCloudWatchFake"/>, a fake clock and a warning recorder.</summary>
internal sealed class HandlerHarness : IAsyncDisposable
{
    public const string Group = "/app/tests";

    public HandlerHarness(Action<CloudWatchLogHandlerOptions>? configure = null, int maxEventSize = 1_048_576, Action<StrictCloudWatchFake>? prepare = null, AWSCredentials? credentials = null)
    {
        Fake = new StrictCloudWatchFake(Clock, maxEventSize);
        prepare?.Invoke(Fake);
        Faults = new FaultScript(Clock);
        Client = CreateClient(new FaultInjectingHandler(Faults, Fake, Clock), Clock, credentials);
        var options = new CloudWatchLogHandlerOptions { LogGroupName = Group, LogStreamName = "{logger_name}", Client = Client };
        configure?.Invoke(options);
        Handler = new CloudWatchLogHandler(options, Clock, new WarningSink(Warnings.Enqueue, Clock));
        if (Handler.Loop is { } loop)
        {
            loop.VerifiesLedger = true;
        }
    }

    public FakeTimeProvider Clock { get; } = FakeClock.At2026();

    /// <summary>A client that talks to the fake, on the fake clock, with test credentials and no retries.</summary>
    public static CloudWatchLogsClient CreateClient(HttpMessageHandler fake, TimeProvider clock, AWSCredentials? credentials = null) => new(
        new CloudWatchLogsClientOptions
        {
            Region = "us-east-1",
            ServiceUrl = "https://logs.us-east-1.amazonaws.com",
            Credentials = credentials ?? new BasicAWSCredentials("AKIATEST", "test-secret"),
            MaxAttempts = 1,
        },
        fake,
        clock,
        _ => null);

    public StrictCloudWatchFake Fake { get; }

    /// <summary>Faults injected between the client and the fake; none until a test queues some.</summary>
    public FaultScript Faults { get; }

    public CloudWatchLogsClient Client { get; }

    public CloudWatchLogHandler Handler { get; }

    public System.Collections.Concurrent.ConcurrentQueue<string> Warnings { get; } = new();

    public HandlerMetrics Metrics => Handler.Metrics;

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>
    /// Waits until the sender has taken everything queued and is waiting; fails rather than hangs, and fails if the
    /// ledger's books do not balance then (every scenario that waits for the sender checks the invariant this way).
    /// </summary>
    public async Task IdleAsync()
    {
        await Handler.WhenSenderIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        AssertLedgerBalances();
    }

    /// <summary>Pending (accepted less finished) was what the queue and the sender held, every time the sender slept.</summary>
    public void AssertLedgerBalances() => Assert.Null(Handler.Loop?.LedgerFault);

    /// <summary>Waits (briefly, in real time) for background work that the test has already made due.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        bool met;
        while (!(met = condition()) && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(5);
        }

        // The condition as it was seen: evaluating it again could catch a state that has moved on meanwhile.
        Assert.True(met, $"Timed out waiting for: {what}");
    }

    /// <summary>
    /// Moves the fake clock in steps, letting the sender act after each, until <paramref name="done"/> holds: for
    /// backoffs and pauses whose length is random or long.
    /// </summary>
    public async Task AdvanceUntilAsync(Func<bool> done, TimeSpan step, string what, int maxSteps = 10_000)
    {
        for (int i = 0; i < maxSteps && !done(); i++)
        {
            await IdleAsync();
            await Task.Delay(1);
            if (done())
            {
                break;
            }

            Clock.Advance(step);
        }

        Assert.True(done(), $"Never happened: {what}");
    }

    public async ValueTask DisposeAsync()
    {
        // A test that failed half-way must not leave the sender waiting on a gate the fake clock will never pass.
        Fake.PutGate?.TrySetResult();
        Fake.HangPuts = false;
        Faults.Clear();

        // Disposal waits on the fake clock (ShutdownTimeout): move it along, or a failed test would hang here.
        Task disposal = Handler.DisposeAsync().AsTask();
        for (int i = 0; i < 600 && !disposal.IsCompleted; i++)
        {
            await Task.WhenAny(disposal, Task.Delay(10));
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        await disposal;
        AssertLedgerBalances();

        // After shutdown every accepted event is finished: delivered, or dropped and counted.
        Assert.Equal(0, Handler.Ledger.Pending);
        Assert.True(Metrics.Sent <= Handler.Ledger.Finished, $"sent {Metrics.Sent} > finished {Handler.Ledger.Finished}");
        Client.Dispose();
        Fake.Dispose();
    }
}
