using System.Text;
using System.Text.Json;
using Watchtower.Extensions.Logging;

namespace Watchtower.Tests.Extensions.Logging;

public sealed class JsonEventFitTests
{
    [Theory]
    [InlineData("abcdef", 3, 3)]          // plain ASCII: exactly at the limit
    [InlineData("ab\\ncd", 3, 2)]         // never between '\' and 'n'
    [InlineData("ab\\ncd", 4, 4)]
    [InlineData("a\\u0001b", 5, 1)]       // never inside \u0001
    [InlineData("a\\u0001b", 7, 7)]
    [InlineData("aé", 2, 1)]              // never inside é's two bytes
    [InlineData("a😀", 4, 1)]             // never inside a four-byte character
    [InlineData("a😀", 5, 5)]
    public void CutPoint_FallsBetweenCharacters(string escaped, int limit, int expected)
    {
        byte[] text = Encoding.UTF8.GetBytes(escaped);

        Assert.Equal(expected, JsonEventFit.CutPoint(text, 0, text.Length, limit));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(2_000)]
    [InlineData(20_000)]
    public void Fit_AnyLimit_GivesValidJsonWithinIt(int limit)
    {
        Utf8Buffer buffer = Utf8Buffer.Rent();
        try
        {
            JsonLayout layout = Write(buffer);
            JsonEventFit.Fit(buffer, ref layout, limit, compactException: b => b.Append(",\"exception\":{\"type\":\"X\"}"u8));

            Assert.InRange(buffer.Length, 1, limit);
            using JsonDocument json = JsonDocument.Parse(buffer.Written.ToArray());
            Assert.True(json.RootElement.GetProperty("truncated").GetBoolean());
            Assert.EndsWith("…[truncated]", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            Utf8Buffer.Return(buffer);
        }
    }

    /// <summary>An event with every part large: message, properties, template, exception, scopes.</summary>
    private static JsonLayout Write(Utf8Buffer into)
    {
        JsonLayout layout = JsonLayout.Empty;
        string big = string.Concat(Enumerable.Repeat("x\\\"é\\n", 2_000));
        into.Append("{\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"level\":\"Information\",\"category\":\"C\",\"message\":"u8);
        layout.MessageStart = into.Length;
        into.Append(Encoding.UTF8.GetBytes("\"" + big + "\""));
        layout.MessageEnd = into.Length;
        layout.PropertiesStart = into.Length;
        into.Append(Encoding.UTF8.GetBytes(",\"properties\":{\"P\":\"" + big + "\"}"));
        layout.PropertiesEnd = layout.TemplateStart = into.Length;
        into.Append(Encoding.UTF8.GetBytes(",\"messageTemplate\":\"" + big + "\""));
        layout.TemplateEnd = layout.ExceptionStart = into.Length;
        into.Append(Encoding.UTF8.GetBytes(",\"exception\":{\"type\":\"X\",\"stackTrace\":\"" + big + "\"}"));
        layout.ExceptionEnd = layout.ScopesStart = into.Length;
        into.Append(Encoding.UTF8.GetBytes(",\"scopes\":[\"" + big + "\"]"));
        layout.ScopesEnd = into.Length;
        into.Append((byte)'}');
        return layout;
    }
}
