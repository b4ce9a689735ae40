using Watchtower.Cli.Tail;

namespace Watchtower.Tests.Cli;

/// <summary>The follow window's decisions on their own: what it asks for next, what it has shown, what it forgets.</summary>
public sealed class FollowWindowTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_lag = TimeSpan.FromSeconds(90);

    [Fact]
    public void AnEventReadAgain_IsAdmittedOnce()
    {
        var window = new FollowWindow(s_t0, s_lag, TimeSpan.FromMinutes(5));
        TailEvent e = Event("a", s_t0.AddSeconds(1), "id-1");

        Assert.Single(window.Admit([e], s_t0.AddSeconds(2)));
        Assert.Empty(window.Admit([e], s_t0.AddSeconds(4)));
        Assert.Empty(window.Admit([e with { Message = "the same id is the same event" }], s_t0.AddSeconds(6)));
    }

    [Fact]
    public void TheNextPoll_StartsOneLagBeforeTheNewestSeen_NotAtIt()
    {
        var window = new FollowWindow(s_t0, s_lag, TimeSpan.FromMinutes(5));
        DateTimeOffset now = s_t0.AddMinutes(10);

        window.Admit([Event("a", now.AddSeconds(-1), "id-1")], now);

        Assert.Equal(now.AddSeconds(-1) - s_lag, window.Start);
    }

    [Fact]
    public void AStreamWhoseClockRunsBehind_HoldsTheStartBack_SoItsEventsAreStillAskedFor()
    {
        var window = new FollowWindow(s_t0, s_lag, TimeSpan.FromMinutes(5));
        DateTimeOffset now = s_t0.AddMinutes(10);

        // Stream "ahead" stamps 60 s in the future, stream "behind" 60 s in the past: both are live.
        window.Admit([Event("behind", now.AddSeconds(-60), "b1"), Event("ahead", now.AddSeconds(60), "a1")], now);

        Assert.Equal(now.AddSeconds(-60) - s_lag, window.Start);
        List<TailEvent> next = window.Admit([Event("behind", now.AddSeconds(-58), "b2")], now.AddSeconds(2));
        Assert.Single(next);
    }

    [Fact]
    public void AStreamThatStopsDelivering_StopsHoldingTheStartBack()
    {
        var window = new FollowWindow(s_t0, s_lag, activeFor: TimeSpan.FromMinutes(3));
        DateTimeOffset now = s_t0.AddMinutes(10);
        window.Admit([Event("quiet", now.AddSeconds(-30), "q1")], now);

        DateTimeOffset later = now.AddMinutes(4);
        window.Admit([], later);

        Assert.Equal(later - s_lag, window.Start);
    }

    [Fact]
    public void TheIdSet_ForgetsWhatIsOlderThanTheStart_SoItIsBoundedByTime()
    {
        var window = new FollowWindow(s_t0, s_lag, TimeSpan.FromMinutes(5));
        DateTimeOffset now = s_t0;
        for (int i = 0; i < 600; i++)
        {
            now = now.AddSeconds(1);
            window.Admit([Event("a", now, $"id-{i}"), Event("b", now, $"id-b-{i}")], now);
        }

        // Ten minutes of two events a second, and only the last lag's worth (and the one at its edge) remembered.
        Assert.InRange(window.Remembered, 2 * 90, 2 * 92);
        Assert.Equal(now - s_lag, window.Start);
    }

    [Fact]
    public void AnEventBeforeTheStart_IsNotAdmitted_EvenIfItsIdWasForgotten()
    {
        var window = new FollowWindow(s_t0, s_lag, TimeSpan.FromMinutes(5));
        DateTimeOffset now = s_t0.AddMinutes(10);
        TailEvent old = Event("a", now.AddMinutes(-5), "old");
        window.Admit([Event("a", now, "new")], now);

        Assert.Empty(window.Admit([old], now.AddSeconds(1)));
    }

    [Fact]
    public void TheStart_NeverMovesBack()
    {
        var window = new FollowWindow(s_t0, s_lag, TimeSpan.FromMinutes(5));
        DateTimeOffset now = s_t0.AddMinutes(10);
        window.Admit([Event("a", now, "a1")], now);
        DateTimeOffset start = window.Start;

        // A new stream whose clock is far behind appears: the window does not reopen what it has forgotten.
        window.Admit([Event("late-clock", now.AddMinutes(-20), "c1")], now.AddSeconds(1));

        Assert.True(window.Start >= start);
    }

    private static TailEvent Event(string stream, DateTimeOffset stamped, string id) => new("/app", stream, stamped, stamped, "message " + id, id);
}
