using Microsoft.Extensions.Time.Testing;
using Watchtower.Cli.Tail;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Cli;

/// <summary>
/// The tail loop on a fake clock with a scripted CloudWatch: a follow prints each event once, late ones included, in
/// time order across streams, backs off when throttled, and stops when idle or cancelled.
/// </summary>
public sealed class TailerTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(250);
    private readonly FakeTimeProvider _clock = FakeClock.At2026();
    private readonly List<TailEvent> _printed = [];
    private readonly List<string> _warnings = [];

    [Fact]
    public async Task Follow_PrintsANewEventOnce_AndAnEventStamped40sAgoThatArrivesAfterNewerOnes_AlsoOnce()
    {
        var source = new ScriptedSource(_clock);
        DateTimeOffset t0 = _clock.GetUtcNow();
        source.Add("web-1", t0.AddSeconds(5), arrives: t0.AddSeconds(6), "new from web-1");
        source.Add("web-1", t0.AddSeconds(20), arrives: t0.AddSeconds(21), "newer from web-1");
        // web-2's shipper batches: an event stamped at 10 s is delivered at 50 s, after web-1's 20 s event was shown.
        source.Add("web-2", t0.AddSeconds(10), arrives: t0.AddSeconds(50), "late from web-2");
        source.Add("web-1", t0.AddSeconds(55), arrives: t0.AddSeconds(56), "after the late one");

        using var stop = new CancellationTokenSource();
        Task run = Tailer(source, Follow(t0)).RunAsync(stop.Token);
        await _clock.AdvanceUntilAsync(() => _printed.Count == 4, s_step, TimeSpan.FromMinutes(2));
        await _clock.AdvanceUntilAsync(() => source.ReadStarts.Count > 60, s_step, TimeSpan.FromMinutes(5)); // many more polls re-read the window
        await stop.CancelAsync();
        await run;

        Assert.Equal(["new from web-1", "newer from web-1", "late from web-2", "after the late one"], _printed.Select(e => e.Message));
        Assert.All(_printed.GroupBy(e => e.EventId), g => Assert.Single(g));
    }

    [Fact]
    public async Task AFollowerThatAsksFromTheNewestSeen_WouldMissTheLateEvent_ThisOneAsksFromALagBefore()
    {
        var source = new ScriptedSource(_clock);
        DateTimeOffset t0 = _clock.GetUtcNow();
        source.Add("web-1", t0.AddSeconds(20), arrives: t0.AddSeconds(21), "newer");
        source.Add("web-2", t0.AddSeconds(10), arrives: t0.AddSeconds(50), "late");

        using var stop = new CancellationTokenSource();
        Task run = Tailer(source, Follow(t0)).RunAsync(stop.Token);
        await _clock.AdvanceUntilAsync(() => _printed.Count == 2, s_step, TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await run;

        // Every poll after "newer" was shown started a lag (90 s) before it, not at it: that is what found "late".
        Assert.All(source.ReadStarts.Skip(1), start => Assert.True(start <= t0.AddSeconds(10)));
    }

    [Fact]
    public async Task EventsFromTwoStreams_ArrivingInDifferentPolls_ArePrintedInTimeOrder()
    {
        var source = new ScriptedSource(_clock);
        DateTimeOffset t0 = _clock.GetUtcNow();
        source.Add("a", t0.AddSeconds(3.9), arrives: t0.AddSeconds(3.95), "second");
        source.Add("b", t0.AddSeconds(3.5), arrives: t0.AddSeconds(5), "first");

        using var stop = new CancellationTokenSource();
        Task run = Tailer(source, Follow(t0)).RunAsync(stop.Token);
        await _clock.AdvanceUntilAsync(() => _printed.Count == 2, s_step, TimeSpan.FromMinutes(1));
        await stop.CancelAsync();
        await run;

        Assert.Equal(["first", "second"], _printed.Select(e => e.Message));
    }

    [Fact]
    public async Task WhenThrottled_ItBacksOffWithJitter_WarnsOnce_AndCatchesUp()
    {
        var source = new ScriptedSource(_clock) { ThrottleNext = 4 };
        DateTimeOffset t0 = _clock.GetUtcNow();
        source.Add("a", t0.AddSeconds(1), arrives: t0.AddSeconds(1), "through");

        using var stop = new CancellationTokenSource();
        Task run = Tailer(source, Follow(t0), random: () => 1.0).RunAsync(stop.Token);
        await _clock.AdvanceUntilAsync(() => _printed.Count == 1, s_step, TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await run;

        Assert.Single(_warnings);
        Assert.Contains("throttled", _warnings[0], StringComparison.Ordinal);
        // 2 s interval doubled per failure: 4, 8, 16, 32 s before the fifth read (jitter at its top here).
        Assert.True(_clock.GetUtcNow() - t0 >= TimeSpan.FromSeconds(4 + 8 + 16 + 32));
    }

    [Fact]
    public async Task ExitWhenIdle_EndsTheFollow_AfterThatLongWithoutANewEvent()
    {
        var source = new ScriptedSource(_clock);
        DateTimeOffset t0 = _clock.GetUtcNow();
        source.Add("a", t0.AddSeconds(1), arrives: t0.AddSeconds(1), "only");

        Task run = Tailer(source, Follow(t0) with { ExitWhenIdle = TimeSpan.FromSeconds(30) }).RunAsync(CancellationToken.None);
        await _clock.AdvanceUntilAsync(() => run.IsCompleted, s_step, TimeSpan.FromMinutes(2));
        await run;

        Assert.Equal(["only"], _printed.Select(e => e.Message));
        Assert.InRange(_clock.GetUtcNow() - t0, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task WithoutFollow_OneReadIsPrintedInTimeOrder()
    {
        var source = new ScriptedSource(_clock);
        DateTimeOffset t0 = _clock.GetUtcNow();
        source.Add("b", t0.AddSeconds(-5), arrives: t0, "second");
        source.Add("a", t0.AddSeconds(-9), arrives: t0, "first");

        await Tailer(source, new TailSettings { Since = t0.AddMinutes(-10), Until = t0 }).RunAsync(CancellationToken.None);

        Assert.Equal(["first", "second"], _printed.Select(e => e.Message));
        Assert.Single(source.ReadStarts);
    }

    private static TailSettings Follow(DateTimeOffset t0) => new()
    {
        Since = t0.AddMinutes(-10),
        Follow = true,
        Lag = TimeSpan.FromSeconds(90),
        Interval = TimeSpan.FromSeconds(2),
        Hold = TimeSpan.FromSeconds(2),
    };

    private Tailer Tailer(ScriptedSource source, TailSettings settings, Func<double>? random = null) =>
        new(source, settings, _clock, e => { lock (_printed) { _printed.Add(e); } }, _warnings.Add, random);
}
