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

    /// <summary><c> Level Category</c> as UTF-8, the text format's fixed part after the timestamp, made once per level.</summary>
    public ReadOnlySpan<byte> LevelAndCategory(Microsoft.Extensions.Logging.LogLevel level)
    {
        int index = (int)level;
        if ((uint)index >= (uint)_levelAndCategory.Length)
        {
            return Encoding.UTF8.GetBytes(" " + level + " " + Name);
        }

        return _levelAndCategory[index] ??= Encoding.UTF8.GetBytes(" " + s_levelNames[index] + " " + Name);
    }

    private static readonly string[] s_levelNames = ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None"];

    private readonly byte[]?[] _levelAndCategory = new byte[]?[s_levelNames.Length];
}
