using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Watchtower.Cli.Output;

/// <summary>One JSON object as one output line, for <c>--format json</c>: text beyond ASCII as itself, not as <c>\u</c> escapes.</summary>
internal static class JsonLine
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write<TState>(TState state, Action<Utf8JsonWriter, TState> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartObject();
            writeProperties(writer, state);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
