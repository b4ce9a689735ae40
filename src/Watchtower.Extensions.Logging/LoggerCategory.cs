using System.Text;
using System.Text.Json;

namespace Watchtower.Extensions.Logging;

/// <summary>A logger's category, encoded once for every format it is written in, so that no event encodes it again.</summary>
internal sealed class LoggerCategory
{
    public LoggerCategory(string name)
    {
        Name = name;
        Utf8 = Encoding.UTF8.GetBytes(name);
        Json = JsonEncodedText.Encode(name, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
    }

    public string Name { get; }

    /// <summary>The name as UTF-8, for the text format.</summary>
    public byte[] Utf8 { get; }

    /// <summary>The name escaped as a JSON string, for the JSON format.</summary>
    public JsonEncodedText Json { get; }
}
