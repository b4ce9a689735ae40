using System.Text;
using Watchtower.Shipping;

namespace Watchtower.Tests.Shipping;

public sealed class BatchRulesTests
{
    private static readonly DateTimeOffset s_t = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly BatchRules _rules = new(maxBytes: 1_048_576, maxCount: 10_000, maxMessageSize: 1_048_576);

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private bool Fits(int count, long bytes, DateTimeOffset min, DateTimeOffset max, int size, DateTimeOffset? at = null) =>
        _rules.Fits(count, bytes, Ms(min), Ms(max), Ms(at ?? s_t), size);

    [Fact]
    public void SizeOf_CountsUtf8BytesPlus26() =>
        Assert.Equal(26 + 1 + 2 + 3 + 4, BatchRules.SizeOf("aé€😀"));

    [Fact]
    public void SizeOf_LoneSurrogate_CountsAsReplacementCharacter() =>
        Assert.Equal(26 + 3, BatchRules.SizeOf("\ud800"));

    [Fact]
    public void Fits_ExactlyFullBatch_Fits() =>
        Assert.True(Fits(3, 1_048_576 - 100, s_t, s_t, 100));

    [Fact]
    public void Fits_OneByteOver_DoesNotFit() =>
        Assert.False(Fits(3, 1_048_576 - 99, s_t, s_t, 100));

    [Fact]
    public void Fits_CountLimit_DoesNotFit() =>
        Assert.False(Fits(10_000, 100, s_t, s_t, 27));

    [Theory]
    [InlineData(24 * 60, true)]
    [InlineData((24 * 60) + 1, false)]
    public void Fits_SpanOf24Hours_IsTheLimit(int minutes, bool fits) =>
        Assert.Equal(fits, Fits(1, 27, s_t, s_t, 27, s_t.AddMinutes(minutes)));

    [Fact]
    public void Fits_EarlierEventWidensTheSpanToo() =>
        Assert.False(Fits(1, 27, s_t, s_t.AddHours(20), 27, s_t.AddHours(-5)));

    [Fact]
    public void Encode_SmallMessage_IsKeptWhole()
    {
        byte[] buffer = new byte[_rules.EncodeBufferSize(5)];

        int length = _rules.Encode("héllo", buffer, out bool truncated);

        Assert.False(truncated);
        Assert.Equal("héllo", Encoding.UTF8.GetString(buffer, 0, length));
    }

    [Fact]
    public void Encode_LoneSurrogate_BecomesTheReplacementCharacter()
    {
        byte[] buffer = new byte[_rules.EncodeBufferSize(3)];

        int length = _rules.Encode("a\ud800b", buffer, out _);

        Assert.Equal("a\ufffdb", Encoding.UTF8.GetString(buffer, 0, length));
        Assert.Equal(BatchRules.SizeOf("a\ud800b"), length + 26);
    }

    [Fact]
    public void Encode_LargeMessage_IsCutToTheLimitWithTheMarker()
    {
        var rules = new BatchRules(1_048_576, 10_000, 256);
        string message = new string('x', 1000);
        byte[] buffer = new byte[rules.EncodeBufferSize(message.Length)];

        int length = rules.Encode(message, buffer, out bool truncated);

        Assert.True(truncated);
        string cut = Encoding.UTF8.GetString(buffer, 0, length);
        Assert.EndsWith(BatchRules.TruncationMarker, cut, StringComparison.Ordinal);
        Assert.Equal(256, length + 26);
    }

    [Fact]
    public void Encode_NeverSplitsAFourByteCharacter()
    {
        var rules = new BatchRules(1_048_576, 10_000, 146); // 120 bytes of message
        string message = new string('a', 100) + string.Concat(Enumerable.Repeat("😀", 50));
        byte[] buffer = new byte[rules.EncodeBufferSize(message.Length)];

        string cut = Encoding.UTF8.GetString(buffer, 0, rules.Encode(message, buffer, out _));

        Assert.EndsWith(BatchRules.TruncationMarker, cut, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(cut) <= 120);
        Assert.DoesNotContain('\uFFFD', cut);
        Assert.StartsWith(cut[..^BatchRules.TruncationMarker.Length], message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void KeepLength_Utf8_CutsBetweenCharacters_AndWritesNothing(int asciiBefore)
    {
        var rules = new BatchRules(1_048_576, 10_000, 146);
        byte[] utf8 = Encoding.UTF8.GetBytes(new string('a', asciiBefore) + string.Concat(Enumerable.Repeat("€😀", 40)));
        byte[] before = (byte[])utf8.Clone();

        int keep = rules.KeepLength(utf8, out bool truncated);

        Assert.True(truncated);
        Assert.Equal(before, utf8); // the caller's bytes are read, never written
        string cut = Encoding.UTF8.GetString(utf8, 0, keep) + BatchRules.TruncationMarker;
        Assert.InRange(Encoding.UTF8.GetByteCount(cut), 120 - 6, 120);
        Assert.DoesNotContain('\uFFFD', cut);
        Assert.Equal(BatchRules.TruncationMarker, Encoding.UTF8.GetString(BatchRules.Marker));
    }

    [Fact]
    public void KeepLength_WithinTheLimit_KeepsEverything()
    {
        byte[] utf8 = Encoding.UTF8.GetBytes("short");

        Assert.Equal(5, _rules.KeepLength(utf8, out bool truncated));
        Assert.False(truncated);
    }

    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static EventSlot[] At(params TimeSpan[] offsets) => [.. offsets.Select(o => new EventSlot((s_now + o).ToUnixTimeMilliseconds(), 0, 0, 27))];

    [Fact]
    public void AcceptedWindow_EventsWithinTheLimits_AreAllSent() =>
        Assert.Equal((0, 0, 0), BatchRules.CountOutsideAcceptedWindow(
            At(-TimeSpan.FromDays(14), TimeSpan.Zero, TimeSpan.FromHours(2)), s_now, retentionDays: null));

    [Fact]
    public void AcceptedWindow_PastTheLimitsByOneMillisecond_AreCountedByReason()
    {
        EventSlot[] events = At(
            -TimeSpan.FromDays(14) - TimeSpan.FromMilliseconds(1),
            -TimeSpan.FromDays(14) - TimeSpan.FromMilliseconds(1),
            TimeSpan.Zero,
            TimeSpan.FromHours(2) + TimeSpan.FromMilliseconds(1));

        Assert.Equal((2, 0, 1), BatchRules.CountOutsideAcceptedWindow(events, s_now, retentionDays: null));
    }

    [Fact]
    public void AcceptedWindow_OlderThanRetentionButWithin14Days_IsExpired()
    {
        EventSlot[] events = At(-TimeSpan.FromDays(20), -TimeSpan.FromDays(3), -TimeSpan.FromDays(1), TimeSpan.Zero);

        Assert.Equal((1, 1, 0), BatchRules.CountOutsideAcceptedWindow(events, s_now, retentionDays: 1));
    }

    [Fact]
    public void AcceptedWindow_EveryEventOutside_CountsEachOnce()
    {
        EventSlot[] events = At(-TimeSpan.FromDays(30), TimeSpan.FromDays(1));

        Assert.Equal((1, 0, 1), BatchRules.CountOutsideAcceptedWindow(events, s_now, retentionDays: null));
    }
}
