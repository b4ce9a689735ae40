using Watchtower.Text;

namespace Watchtower.Tests.Text;

/// <summary>The text line every adapter ships in its text format: its shape, one line per event, and reuse on a thread.</summary>
public sealed class TextEventLineTests
{
    private static readonly DateTimeOffset s_time = new(2026, 12, 2, 9, 30, 15, 123, TimeSpan.FromHours(2));

    [Fact]
    public void Line_HasTheUtcTimestampLevelLoggerAndMessage()
    {
        string line = TextEventLine.ForCurrentThread().Write(s_time, "Information", "Orders.Api", "Order 42 placed", exception: null).ToString();

        Assert.Equal("2026-12-02T07:30:15.123Z Information Orders.Api: Order 42 placed", line);
    }

    [Fact]
    public void LineBreaks_InTheMessage_AreWrittenAsBackslashN()
    {
        string line = TextEventLine.ForCurrentThread().Write(s_time, "Warning", "L", "first\r\nsecond\nthird", exception: null).ToString();

        Assert.EndsWith(": first\\nsecond\\nthird", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
    }

    [Fact]
    public void AnException_IsDescribedWithItsInnerChainAndStackTrace_OnTheSameLine()
    {
        Exception thrown = Thrown(() => throw new InvalidOperationException("outer", Thrown(() => throw new FormatException("inner"))));

        string line = TextEventLine.ForCurrentThread().Write(s_time, "Error", "L", "failed", thrown).ToString();

        Assert.StartsWith("2026-12-02T07:30:15.123Z Error L: failed | System.InvalidOperationException: outer ---> System.FormatException: inner", line, StringComparison.Ordinal);
        Assert.Contains("--- End of inner exception stack trace ---", line, StringComparison.Ordinal);
        Assert.Contains(nameof(AnException_IsDescribedWithItsInnerChainAndStackTrace_OnTheSameLine), line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void AnExceptionWhoseMessageLogs_OnTheSameThread_DoesNotCorruptTheLine()
    {
        var logsWhenRead = new LogsWhenRead();

        string line = TextEventLine.ForCurrentThread().Write(s_time, "Error", "L", "outer message", logsWhenRead).ToString();

        Assert.Equal("2026-12-02T07:30:15.123Z Error L: outer message | " + typeof(LogsWhenRead).FullName + ": read", line);
        Assert.Equal("2026-12-02T07:30:15.123Z Debug Nested: nested message", logsWhenRead.Nested);
    }

    [Fact]
    public void ALongMessage_IsWrittenWhole_AndTheNextLineIsShortAgain()
    {
        string big = new('x', 200_000);

        int longLength = TextEventLine.ForCurrentThread().Write(s_time, "Information", "L", big, exception: null).Length;
        string next = TextEventLine.ForCurrentThread().Write(s_time, "Information", "L", "small", exception: null).ToString();

        Assert.Equal(24 + " Information L: ".Length + big.Length, longLength);
        Assert.Equal("2026-12-02T07:30:15.123Z Information L: small", next);
    }

    private static Exception Thrown(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }

        throw new InvalidOperationException("the action did not throw");
    }

    /// <summary>An exception whose Message writes a line of its own on the same thread, as a logging call inside ToString would.</summary>
    private sealed class LogsWhenRead : Exception
    {
        public string? Nested { get; private set; }

        public override string Message
        {
            get
            {
                Nested = TextEventLine.ForCurrentThread().Write(s_time, "Debug", "Nested", "nested message", exception: null).ToString();
                return "read";
            }
        }
    }
}
