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
        (BatchEvent prepared, bool truncated) = _rules.Prepare(7, s_t, "hello");

        Assert.False(truncated);
        Assert.Equal("hello", prepared.Message);
        Assert.Equal(31, prepared.Size);
        Assert.Equal(7, prepared.Sequence);
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
