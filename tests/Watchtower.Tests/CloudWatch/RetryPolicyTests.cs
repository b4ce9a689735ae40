using System.Net;
using Microsoft.Extensions.Time.Testing;
using Watchtower.CloudWatch;

namespace Watchtower.Tests.CloudWatch;

public sealed class RetryPolicyTests
{
    private static readonly CloudWatchLogsException s_throttled = Error("ThrottlingException", CloudWatchErrorKind.Throttling);
    private static readonly CloudWatchLogsException s_unavailable = Error("ServiceUnavailableException", CloudWatchErrorKind.Transient);
    private static readonly CloudWatchLogsException s_invalid = Error("InvalidParameterException", CloudWatchErrorKind.InvalidParameter);

    private static CloudWatchLogsException Error(string code, CloudWatchErrorKind kind, bool mayHaveBeenProcessed = false) =>
        new("PutLogEvents", code, "m", kind, HttpStatusCode.BadRequest, null, mayHaveBeenProcessed);

    [Fact]
    public void BackoffCeiling_DoublesFromOneSecond_CappedAtTwentySeconds()
    {
        var policy = new RetryPolicy(new FakeTimeProvider());

        double[] ceilings = Enumerable.Range(1, 8).Select(retry => policy.BackoffCeiling(retry).TotalSeconds).ToArray();

        Assert.Equal([1, 2, 4, 8, 16, 20, 20, 20], ceilings);
    }

    [Fact]
    public void TryGetRetryDelay_FullJitter_ScalesCeilingByRandom()
    {
        var policy = new RetryPolicy(new FakeTimeProvider(), maxAttempts: 10, random: () => 0.5);

        var delays = new List<double>();
        for (int attempt = 1; attempt <= 6; attempt++)
        {
            Assert.True(policy.TryGetRetryDelay(attempt, s_throttled, TimeSpan.Zero, out TimeSpan delay));
            delays.Add(delay.TotalSeconds);
        }

        Assert.Equal([0.5, 1, 2, 4, 8, 10], delays);
    }

    [Fact]
    public void TryGetRetryDelay_StandardMode_AllowsTwoRetries()
    {
        var policy = new RetryPolicy(new FakeTimeProvider(), random: () => 0.99);

        Assert.True(policy.TryGetRetryDelay(1, s_unavailable, TimeSpan.Zero, out _));
        Assert.True(policy.TryGetRetryDelay(2, s_unavailable, TimeSpan.Zero, out _));
        Assert.False(policy.TryGetRetryDelay(3, s_unavailable, TimeSpan.Zero, out _));
    }

    [Fact]
    public void TryGetRetryDelay_NonRetryableError_NeverRetries()
    {
        var policy = new RetryPolicy(new FakeTimeProvider(), maxAttempts: 100);

        Assert.False(policy.TryGetRetryDelay(1, s_invalid, TimeSpan.Zero, out TimeSpan delay));
        Assert.False(policy.TryGetRetryDelay(1, Error("ResourceNotFoundException", CloudWatchErrorKind.ResourceNotFound), TimeSpan.Zero, out _));
        Assert.False(policy.TryGetRetryDelay(1, Error("AccessDeniedException", CloudWatchErrorKind.AccessDenied), TimeSpan.Zero, out _));
        Assert.Equal(TimeSpan.Zero, delay);
    }

    [Fact]
    public void TryGetRetryDelay_TimeLimit_StopsRetryThatWouldStartTooLate()
    {
        // The engine's long budget: unlimited attempts, bounded by time.
        var policy = new RetryPolicy(new FakeTimeProvider(), maxAttempts: int.MaxValue, timeLimit: TimeSpan.FromMinutes(1), useRetryQuota: false, random: () => 1.0);

        Assert.True(policy.TryGetRetryDelay(40, s_throttled, TimeSpan.FromSeconds(40), out TimeSpan delay));
        Assert.Equal(TimeSpan.FromSeconds(20), delay);
        Assert.False(policy.TryGetRetryDelay(41, s_throttled, TimeSpan.FromSeconds(41), out _));
    }

    [Fact]
    public void TryGetRetryDelay_QuotaSpent_StopsRetriesUntilSuccessesRefill()
    {
        var policy = new RetryPolicy(new FakeTimeProvider(), maxAttempts: int.MaxValue, random: () => 0);

        int retries = 0;
        while (policy.TryGetRetryDelay(1, s_throttled, TimeSpan.Zero, out _))
        {
            retries++;
        }

        Assert.Equal(100, retries); // 500 tokens at 5 a retry
        Assert.Equal(0, policy.AvailableQuota);

        policy.OnSuccess(attemptsMade: 2);
        Assert.Equal(5, policy.AvailableQuota);
        Assert.True(policy.TryGetRetryDelay(1, s_throttled, TimeSpan.Zero, out _));
    }

    [Fact]
    public void TryGetRetryDelay_AmbiguousTimeout_CostsMoreQuota()
    {
        var policy = new RetryPolicy(new FakeTimeProvider());

        Assert.True(policy.TryGetRetryDelay(1, Error("RequestTimeout", CloudWatchErrorKind.Transient, mayHaveBeenProcessed: true), TimeSpan.Zero, out _));

        Assert.Equal(490, policy.AvailableQuota);
    }

    [Fact]
    public async Task DelayAsync_WaitsOnTheFakeClock()
    {
        var clock = new FakeTimeProvider();
        var policy = new RetryPolicy(clock);

        Task delay = policy.DelayAsync(TimeSpan.FromSeconds(3), CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(2.999));
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await delay;
    }
}
