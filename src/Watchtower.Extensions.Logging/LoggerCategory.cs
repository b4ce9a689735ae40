using System.Text;

namespace Watchtower.Extensions.Logging;

/// <summary>A logger's category, encoded once for every format it is written in, so that no event encodes it again.</summary>
internal sealed class LoggerCategory
{
    public LoggerCategory(string name)
    {
        Name = name;
        Utf8 = Encoding.UTF8.GetBytes(name);
        var quoted = new Utf8Buffer();
        JsonText.String(quoted, name);
        JsonQuoted = quoted.Written.ToArray();
    }

    public string Name { get; }

    /// <summary>The name as UTF-8, for the text format.</summary>
    public byte[] Utf8 { get; }

    /// <summary>The name as a JSON string, quotes included, for the JSON format.</summary>
    public byte[] JsonQuoted { get; }
}
