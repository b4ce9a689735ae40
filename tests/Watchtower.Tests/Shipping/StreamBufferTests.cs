using System.Text;
using System.Text.Json;
using Watchtower.Shipping;
using Watchtower.Text;

namespace Watchtower.Tests.Shipping;

/// <summary>
/// The request body the engine writes as events join a batch: valid JSON, each message's bytes exactly as given
/// (escaped only where JSON requires), events in timestamp order, and the same after re-ordering, halving or trimming.
/// </summary>
public sealed class StreamBufferTests
{
    private readonly SenderMemory _memory = new();
    private const long T0 = 1_795_428_000_000;
    private readonly BatchRules _rules = new(1_048_576, 10_000, 1_048_576);
    private long _ids;

    [Theory]
    [InlineData("plain ascii")]
    [InlineData("quote \" backslash \\ slash / tab \t newline \n return \r")]
    [InlineData("controls \u0000 \u0001 \u001f \b \f and DEL \u007f")]
    [InlineData("Zoë ✓ 日本 😀 \u2028 </script>")]
    public void Body_RoundTripsEveryMessageExactly(string message)
    {
        Batch batch = SealOne(("s", message, T0));

        JsonElement body = Parse(batch);
        JsonElement only = Assert.Single(body.GetProperty("logEvents").EnumerateArray());
        Assert.Equal(message, only.GetProperty("message").GetString());
        Assert.Equal(T0, only.GetProperty("timestamp").GetInt64());
        Assert.Equal("g/1", body.GetProperty("logGroupName").GetString());
        Assert.Equal("s\"1", body.GetProperty("logStreamName").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount(message) + 26, batch.Bytes);
    }

    [Fact]
    public void EscapedLength_MatchesWhatIsWritten()
    {
        byte[] utf8 = Encoding.UTF8.GetBytes("a\"b\\c\nd\u0001e€");
        byte[] into = new byte[JsonEscaping.EscapedLength(utf8)];

        Assert.Equal(into.Length, JsonEscaping.WriteEscaped(utf8, into));
        Assert.Equal("a\\\"b\\\\c\\nd\\u0001e€", Encoding.UTF8.GetString(into));
    }

    [Fact]
    public void IndexOfFirstToEscape_AgreesWithAPlainScan_AtEveryLengthAndPosition()
    {
        var random = new Random(7);
        byte[] special = [0x00, 0x01, 0x1f, (byte)'"', (byte)'\\'];
        for (int length = 0; length <= 100; length++)
        {
            for (int trial = 0; trial < 20; trial++)
            {
                byte[] text = new byte[length];
                for (int i = 0; i < length; i++)
                {
                    // Mostly bytes that need no escape, including 0x20, 0x7f and UTF-8 continuation bytes.
                    text[i] = (byte)random.Next(0x20, 0x100);
                    if (text[i] is (byte)'"' or (byte)'\\')
                    {
                        text[i] = (byte)'a';
                    }
                }

                if (length > 0 && trial % 2 == 0)
                {
                    text[random.Next(length)] = special[random.Next(special.Length)];
                }

                int expected = Array.FindIndex(text, b => b < 0x20 || b == '"' || b == '\\');
                Assert.Equal(expected, JsonEscaping.IndexOfFirstToEscape(text));
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.02)]
    [InlineData(0.15)]
    [InlineData(0.6)]
    public void WriteEscaped_MatchesAPlainEscaper_WithOrWithoutSlackRoom(double density)
    {
        var random = new Random(5);
        byte[] special = [0x00, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1f, (byte)'"', (byte)'\\'];
        for (int length = 0; length <= 200; length++)
        {
            byte[] text = new byte[length];
            for (int i = 0; i < length; i++)
            {
                text[i] = random.NextDouble() < density ? special[random.Next(special.Length)] : (byte)random.Next(0x20, 0x100);
                if (text[i] is (byte)'"' or (byte)'\\' && random.NextDouble() >= density)
                {
                    text[i] = (byte)'x';
                }
            }

            byte[] expected = PlainEscape(text);
            Assert.Equal(expected.Length, JsonEscaping.EscapedLength(text));
            foreach (int slack in new[] { 0, 1, JsonEscaping.EscapeSlack })
            {
                byte[] into = new byte[expected.Length + slack];
                int written = JsonEscaping.WriteEscaped(text, into);
                Assert.Equal(expected, into[..written]);
            }
        }
    }

    private static byte[] PlainEscape(byte[] text)
    {
        var escaped = new List<byte>();
        foreach (byte b in text)
        {
            string? sequence = b switch
            {
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                (byte)'\b' => "\\b",
                (byte)'\f' => "\\f",
                < 0x20 => $"\\u{b:x4}",
                _ => null,
            };
            if (sequence is null)
            {
                escaped.Add(b);
            }
            else
            {
                escaped.AddRange(Encoding.ASCII.GetBytes(sequence));
            }
        }

        return [.. escaped];
    }

    [Fact]
    public void AsciiFastPath_StopsAtTheFirstOtherCharacter_AtEveryLengthAndPosition()
    {
        var random = new Random(11);
        for (int length = 0; length <= 80; length++)
        {
            for (int trial = 0; trial < 10; trial++)
            {
                char[] text = [.. Enumerable.Range(0, length).Select(_ => (char)random.Next(0, 0x80))];
                if (length > 0 && trial % 2 == 0)
                {
                    text[random.Next(length)] = trial % 4 == 0 ? 'é' : '\u0080';
                }

                byte[] into = new byte[length];
                int copied = AsciiEncoder.EncodeLeadingAscii(text, into);

                int expected = Array.FindIndex(text, c => c >= 0x80);
                Assert.Equal(expected < 0 ? length : expected, copied);
                Assert.Equal(Encoding.ASCII.GetBytes(text, 0, copied), into[..copied]);
            }
        }
    }

    [Fact]
    public void IndexOfFirstControl_AgreesWithAPlainScan()
    {
        var random = new Random(3);
        for (int length = 0; length <= 100; length++)
        {
            byte[] text = [.. Enumerable.Range(0, length).Select(_ => (byte)random.Next(0x20, 0x100))];
            if (length > 0 && length % 3 == 0)
            {
                text[random.Next(length)] = (byte)random.Next(0, 0x20);
            }

            Assert.Equal(Array.FindIndex(text, b => b < 0x20), JsonEscaping.IndexOfFirstControl(text));
        }
    }

    [Theory]
    [InlineData("{logger_name}", 0L)]
    [InlineData("{strftime:%Y-%m-%d}", TimeSpan.TicksPerDay)]
    [InlineData("{strftime:%Y/%j}-{strftime:%H}", TimeSpan.TicksPerHour)]
    [InlineData("{strftime:%R}", TimeSpan.TicksPerMinute)]
    [InlineData("{strftime:%T}", TimeSpan.TicksPerSecond)]
    [InlineData("{strftime:%S.%f}", 0L)]
    [InlineData("{utc:yyyy-MM-dd}", TimeSpan.TicksPerDay)]
    [InlineData("{utc:yyyyMMddHHmm}", TimeSpan.TicksPerMinute)]
    [InlineData("{utc:HH:mm:ss.fff}", 0L)]
    [InlineData("{utc:O}", 0L)]
    [InlineData("{utc:d}", TimeSpan.TicksPerDay)]
    public void TimeBucket_IsNeverCoarserThanWhatTheTemplateShows(string template, long expected)
    {
        StreamNameTemplate parsed = StreamNameTemplate.Parse(template);

        Assert.Equal(expected, parsed.DependsOnTime ? parsed.TimeBucketTicks : 0);
    }

    [Fact]
    public void OutOfOrderEvents_AreSortedByTimestampKeepingArrivalOrderForTies()
    {
        Batch batch = SealOne(("s", "c", T0 + 2), ("s", "a1", T0), ("s", "b", T0 + 1), ("s", "a2", T0));

        Assert.Equal(["a1", "a2", "b", "c"], Messages(batch));
        Assert.Equal([T0, T0, T0 + 1, T0 + 2], batch.Events.ToArray().Select(e => e.TimestampMs));
    }

    [Fact]
    public void Split_GivesTwoValidBodiesInOrder()
    {
        Batch batch = SealOne([.. Enumerable.Range(0, 5).Select(i => ("s", "e" + i, T0 + i))]);

        (Batch first, Batch second) = batch.Split();

        Assert.Equal(["e0", "e1"], Messages(first));
        Assert.Equal(["e2", "e3", "e4"], Messages(second));
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(2 * 28, first.Bytes);
    }

    [Fact]
    public void Keep_TrimsBothEnds()
    {
        Batch batch = SealOne([.. Enumerable.Range(0, 5).Select(i => ("s", "e" + i, T0 + i))]);

        batch.Keep(1, 3);

        Assert.Equal(["e1", "e2", "e3"], Messages(batch));
        Assert.Equal(3, batch.Count);
        Assert.Equal(3 * 28, batch.Bytes);
    }

    [Fact]
    public void Add_ThatWouldBreakARule_SealsTheOpenBatchFirst()
    {
        var rules = new BatchRules(maxBytes: 100, maxCount: 10_000, maxMessageSize: 100);
        var stream = new StreamBuffer("s\"1", rules, "g/1", _memory);
        byte[] message = new byte[40];
        message.AsSpan().Fill((byte)'x');

        stream.Add(message, T0, 0, 0, () => ++_ids);  // 66 bytes
        stream.Add(message, T0, 0, 0, () => ++_ids);  // 132 > 100: seals the first
        stream.Add(message, T0 + (long)TimeSpan.FromHours(25).TotalMilliseconds, 0, 0, () => ++_ids); // span > 24 h
        stream.Seal(++_ids);

        Assert.Equal([1, 1, 1], stream.Sealed.Select(b => b.Count));
        Assert.All(stream.Sealed, b => Parse(b));
    }

    [Fact]
    public void Memory_IsCountedThroughEveryChange_AndIsZeroOnceAllIsGivenBack()
    {
        var memory = new SenderMemory();
        var stream = new StreamBuffer("s", _rules, "g", memory);
        long streamOwn = memory.Bytes;
        Assert.InRange(streamOwn, SenderMemory.StreamOverhead, SenderMemory.StreamOverhead + 100);

        // Out of order, so that sealing rebuilds the body; enough events to grow the arrays several times.
        for (int i = 0; i < 500; i++)
        {
            stream.Add(Encoding.UTF8.GetBytes("event " + i), T0 + (i % 7), 0, 0, () => ++_ids);
        }

        Assert.True(memory.Bytes > streamOwn + 500 * 20, "the open batch's arrays are counted");
        stream.Seal(++_ids);
        Batch batch = Assert.Single(stream.Sealed);
        stream.Sealed.Clear();
        batch.Keep(10, 480);
        (Batch first, Batch second) = batch.Split();
        Assert.True(memory.Bytes > streamOwn, "the halves' arrays are counted");

        first.ReturnBuffers();
        second.ReturnBuffers();
        second.ReturnBuffers(); // twice is harmless
        Assert.Equal(streamOwn, memory.Bytes);
        stream.Forget();
        Assert.Equal(0, memory.Bytes);
    }

    [Fact]
    public void NewStream_StartsWithBuffersSizedToItsFirstEvent()
    {
        var memory = new SenderMemory();
        var stream = new StreamBuffer("s", _rules, "g", memory);
        long streamOwn = memory.Bytes;

        stream.Add(Encoding.ASCII.GetBytes(new string('x', 100)), T0, 0, 0, () => ++_ids);

        // A stream of one small event holds well under a kilobyte besides its own objects, not a 4 KB body.
        Assert.InRange(memory.Bytes - streamOwn, 100, 1_024);
    }

    [Fact]
    public void ManyEvents_GrowTheBodyAndStayValid()
    {
        Batch batch = SealOne([.. Enumerable.Range(0, 3_000).Select(i => ("s", new string('m', i % 300 + 1) + "\"", T0 + i))]);

        Assert.Equal(3_000, Parse(batch).GetProperty("logEvents").GetArrayLength());
        Assert.Equal(Enumerable.Range(0, 3_000).Select(i => new string('m', i % 300 + 1) + "\""), Messages(batch));
    }

    private Batch SealOne(params (string Stream, string Message, long TimestampMs)[] events)
    {
        var stream = new StreamBuffer("s\"1", _rules, "g/1", _memory);
        foreach ((_, string message, long timestamp) in events)
        {
            stream.Add(Encoding.UTF8.GetBytes(message), timestamp, 0, 0, () => ++_ids);
        }

        stream.Seal(++_ids);
        return Assert.Single(stream.Sealed);
    }

    private static JsonElement Parse(Batch batch) => JsonDocument.Parse(batch.Body).RootElement.Clone();

    private static List<string> Messages(Batch batch) =>
        [.. Parse(batch).GetProperty("logEvents").EnumerateArray().Select(e => e.GetProperty("message").GetString()!)];
}
