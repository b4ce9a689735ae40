using System.Text;
using Microsoft.Extensions.Logging;

namespace Watchtower.Extensions.Logging;

/// <summary>A logger's category, encoded once for every format it is written in, so that no event encodes it again.</summary>
internal sealed class LoggerCategory
{
    // One slot per LogLevel value (Trace to None), filled on first use.
    private readonly byte[]?[] _levelAndCategory = new byte[]?[(int)LogLevel.None + 1];

    public LoggerCategory(string name)
    {
        Name = name;
        var quoted = new Utf8Buffer();
        JsonText.String(quoted, name);
        JsonQuoted = quoted.Written.ToArray();
    }

    public string Name { get; }

    /// <summary>The name as a JSON string, quotes included, for the JSON format.</summary>
    public byte[] JsonQuoted { get; }

    /// <summary><c> Level Category</c> as UTF-8, the text format's fixed part after the timestamp, made once per level.</summary>
    public ReadOnlySpan<byte> LevelAndCategory(LogLevel level)
    {
        int index = (int)level;
        return (uint)index < (uint)_levelAndCategory.Length
            ? _levelAndCategory[index] ??= Make(level)
            : Make(level);

        byte[] Make(LogLevel level) => [(byte)' ', .. LogEventFormatter.LevelName(level), (byte)' ', .. Encoding.UTF8.GetBytes(Name)];
    }
}
