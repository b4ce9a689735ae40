using Amazon.Runtime;
using Watchtower.Diagnostics;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Shipping;

/// <summary>
/// What the environment can lack (credentials, a reachable endpoint) is reported once, in one line that names the cause
/// and the fix, never as something else; and a shutdown does not wait for what cannot come.
/// </summary>
public sealed class EnvironmentProblemTests
{
    [Fact]
    public async Task NoCredentials_OneLineThatSaysSo_AndShutdownDoesNotWaitForThem()
    {
        var h = new HandlerHarness(o => o.LogGroupRetentionDays = 7, credentials: new NoCredentials());
        for (int i = 0; i < 5; i++)
        {
            h.Handler.Emit("e" + i, h.Now, "s");
        }

        Task flush = h.Handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Handler.IsPausedForAccess, "delivery to pause for the missing credentials");
        await h.IdleAsync();

        string warning = Assert.Single(h.Warnings);
        Assert.Contains("Nothing is sent to log group '/app/tests' until credentials are found", warning, StringComparison.Ordinal);
        Assert.Contains("Set the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", warning, StringComparison.Ordinal);
        Assert.Empty(h.Fake.Operations); // nothing could be signed, so nothing was sent

        // Disposal returns with the clock standing still: it does not wait ShutdownTimeout for credentials.
        await h.Handler.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(5, h.Metrics.Dropped(DropReason.NoCredentials));
        Assert.Equal(0, h.Metrics.Dropped(DropReason.ShutdownTimeout));
        Assert.Contains(h.Warnings, w => w == "Watchtower: 5 events were not delivered to log group '/app/tests': no AWS credentials were found.");
        await flush.WaitAsync(TimeSpan.FromSeconds(30));
        await h.DisposeAsync();
    }

    [Fact]
    public async Task NoCredentialsAtFirst_ThenFound_DeliversAndDoesTheStartupWorkAfterAll()
    {
        var credentials = new NoCredentials();
        await using var h = new HandlerHarness(o => o.LogGroupRetentionDays = 7, credentials: credentials);
        h.Handler.Emit("e0", h.Now, "s");
        Task flush = h.Handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Handler.IsPausedForAccess, "delivery to pause");

        credentials.Found = true;
        await h.AdvanceUntilAsync(() => flush.IsCompleted, TimeSpan.FromSeconds(1), "delivery once credentials are found");

        Assert.Equal(["e0"], h.Fake.Messages(HandlerHarness.Group, "s"));
        Assert.Equal(7, h.Fake.Retention(HandlerHarness.Group));
        Assert.DoesNotContain(h.Warnings, w => w.Contains("CreateLogGroup", StringComparison.Ordinal) || w.Contains("retention", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnreachableEndpoint_OneLineThatNamesItAndWhatToCheck()
    {
        await using var h = new HandlerHarness(o => o.LogGroupRetentionDays = 7);
        h.Faults.RefuseConnectionsFor(TimeSpan.FromDays(1));
        for (int i = 0; i < 5; i++)
        {
            h.Handler.Emit("e" + i, h.Now, "s" + (i % 2));
        }

        _ = h.Handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Faults.Refused >= 3, "the startup work and both streams to fail");
        await h.IdleAsync();

        // Startup work and deliveries all failed for the one cause: one line (the rest are held back for a minute).
        string warning = Assert.Single(h.Warnings);
        Assert.StartsWith("Watchtower: Cannot reach CloudWatch Logs at https://logs.us-east-1.amazonaws.com/", warning, StringComparison.Ordinal);
        Assert.Contains("check ServiceUrl and Region", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnhandledException_DeliversWhatIsQueued_AndWhatIsLoggedWhileDying_BeforeEachCallReturns()
    {
        await using var h = new HandlerHarness();
        for (int i = 0; i < 3; i++)
        {
            h.Handler.Emit("e" + i, h.Now, "s");
        }

        // The runtime's UnhandledException event, as it reaches the handler: the queue is delivered before it returns.
        h.Handler.SimulateUnhandledException(new InvalidOperationException("boom"));
        Assert.Equal(["e0", "e1", "e2"], h.Fake.Messages(HandlerHarness.Group, "s"));

        // The application's own handler, which may run after ours, logs why it died: delivered before the call returns.
        Assert.True(h.Handler.Emit("dying of boom", h.Now, "s"));
        Assert.Equal(["e0", "e1", "e2", "dying of boom"], h.Fake.Messages(HandlerHarness.Group, "s"));
        Assert.Equal(0, h.Metrics.DroppedTotal);
    }

    /// <summary>Credentials that are not there (the default chain found none), until a test says they are.</summary>
    private sealed class NoCredentials : AWSCredentials
    {
        public bool Found { get; set; }

        public override ImmutableCredentials GetCredentials() =>
            Found ? new ImmutableCredentials("AKIAFOUND", "found-secret", null) : throw new AmazonClientException("Unable to find credentials.");

        public override Task<ImmutableCredentials> GetCredentialsAsync() => Task.FromResult(GetCredentials());
    }
}
