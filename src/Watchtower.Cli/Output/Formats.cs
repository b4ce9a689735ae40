using System.Globalization;

namespace Watchtower.Cli.Output;

/// <summary>How times and sizes are written in tables: UTC ISO times, sizes in binary units.</summary>
internal static class Formats
{
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? string.Create(Watchtower.Text.IsoTimestamp.Length, t.UtcDateTime, static (chars, utc) => Watchtower.Text.IsoTimestamp.Write(chars, utc)) : "-";

    public static string Bytes(long? bytes)
    {
        if (bytes is not { } b)
        {
            return "-";
        }

        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = b;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{b} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
