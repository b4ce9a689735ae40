using System.Text;
using Watchtower.Shipping;

namespace Watchtower.Tests.Shipping;

public sealed class BatchRulesTests
{
    private static readonly DateTimeOffset s_t = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly BatchRules _rules = new(maxBytes: 1_048_576, maxCount: 10_000, maxMessageSize: 1_048_576);

    private static BatchEvent Event(int size, DateTimeOffset? at = null) => new(1, at ?? s_t, "m", size);

    [Fact]
    public void SizeOf_CountsUtf8BytesPlus26() =>
        Assert.Equal(26 + 1 + 2 + 3 + 4, BatchRules.SizeOf("aé€😀"));

    [Fact]
    public void SizeOf_LoneSurrogate_CountsAsReplacementCharacter() =>
        Assert.Equal(26 + 3, BatchRules.SizeOf("\ud800"));

    [Fact]
    public void Fits_ExactlyFullBatch_Fits() =>
        Assert.True(_rules.Fits(3, 1_048_576 - 100, s_t, s_t, Event(100)));

    [Fact]
    public void Fits_OneByteOver_DoesNotFit() =>
        Assert.False(_rules.Fits(3, 1_048_576 - 99, s_t, s_t, Event(100)));

    [Fact]
    public void Fits_CountLimit_DoesNotFit() =>
        Assert.False(_rules.Fits(10_000, 100, s_t, s_t, Event(27)));

    [Theory]
    [InlineData(24 * 60, true)]
    [InlineData((24 * 60) + 1, false)]
    public void Fits_SpanOf24Hours_IsTheLimit(int minutes, bool fits) =>
        Assert.Equal(fits, _rules.Fits(1, 27, s_t, s_t, Event(27, s_t.AddMinutes(minutes))));

    [Fact]
    public void Fits_EarlierEventWidensTheSpanToo() =>
        Assert.False(_rules.Fits(1, 27, s_t, s_t.AddHours(20), Event(27, s_t.AddHours(-5))));

    [Fact]
    public void Prepare_SmallMessage_IsKeptWhole()
    {
        (string message, int size, bool truncated) = _rules.Prepare("hello");

        Assert.False(truncated);
        Assert.Equal("hello", message);
        Assert.Equal(31, size);
    }

    [Fact]
    public void Prepare_LargeMessage_IsTruncatedAndCountedAfterTruncation()
    {
        var rules = new BatchRules(1_048_576, 10_000, 256);

        (string message, int size, bool truncated) = rules.Prepare(new string('x', 1000));

        Assert.True(truncated);
        Assert.EndsWith(BatchRules.TruncationMarker, message, StringComparison.Ordinal);
        Assert.Equal(256, size);
        Assert.Equal(BatchRules.SizeOf(message), size);
    }

    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static InputLogEvent[] At(params TimeSpan[] offsets) => [.. offsets.Select(o => new InputLogEvent(s_now + o, "m"))];

    [Fact]
    public void AcceptedWindow_EventsWithinTheLimits_AreAllSent() =>
        Assert.Equal((0, 0, 0), BatchRules.CountOutsideAcceptedWindow(
            At(-TimeSpan.FromDays(14), TimeSpan.Zero, TimeSpan.FromHours(2)), s_now, retentionDays: null));

    [Fact]
    public void AcceptedWindow_PastTheLimitsByOneTick_AreCountedByReason()
    {
        InputLogEvent[] events = At(
            -TimeSpan.FromDays(14) - TimeSpan.FromTicks(1),
            -TimeSpan.FromDays(14) - TimeSpan.FromTicks(1),
            TimeSpan.Zero,
            TimeSpan.FromHours(2) + TimeSpan.FromTicks(1));

        Assert.Equal((2, 0, 1), BatchRules.CountOutsideAcceptedWindow(events, s_now, retentionDays: null));
    }

    [Fact]
    public void AcceptedWindow_OlderThanRetentionButWithin14Days_IsExpired()
    {
        InputLogEvent[] events = At(-TimeSpan.FromDays(20), -TimeSpan.FromDays(3), -TimeSpan.FromDays(1), TimeSpan.Zero);

        Assert.Equal((1, 1, 0), BatchRules.CountOutsideAcceptedWindow(events, s_now, retentionDays: 1));
    }

    [Fact]
    public void AcceptedWindow_EveryEventOutside_CountsEachOnce()
    {
        InputLogEvent[] events = At(-TimeSpan.FromDays(30), TimeSpan.FromDays(1));

        Assert.Equal((1, 0, 1), BatchRules.CountOutsideAcceptedWindow(events, s_now, retentionDays: null));
    }

    [Fact]
    public void Truncate_NeverSplitsAFourByteCharacter()
    {
        string message = new string('a', 100) + string.Concat(Enumerable.Repeat("😀", 50));

        string cut = BatchRules.Truncate(message, 120);

        Assert.EndsWith(BatchRules.TruncationMarker, cut, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(cut) <= 120);
        Assert.DoesNotContain('\uFFFD', cut);
        Assert.StartsWith(cut[..^BatchRules.TruncationMarker.Length], message, StringComparison.Ordinal);
    }
}
