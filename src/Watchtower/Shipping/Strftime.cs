using System.Globalization;
using System.Text;

namespace Watchtower.Shipping;

/// <summary>
/// Python's <c>strftime</c> directives over a UTC time, in the C locale, so that watchtower stream templates
/// such as <c>{strftime:%Y-%m-%d}</c> carry over unchanged.
/// </summary>
internal static class Strftime
{
    private const string Directives = "aAbBcdfHIjmMpSUwWxXyYzZ%GuVeFTDRrnt";

    public static bool IsValid(string format, out string? error)
    {
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                continue;
            }

            if (i + 1 >= format.Length || !Directives.Contains(format[i + 1], StringComparison.Ordinal))
            {
                error = i + 1 >= format.Length
                    ? $"the strftime format '{format}' ends with a lone '%'"
                    : $"the strftime format '{format}' has the unknown directive '%{format[i + 1]}'";
                return false;
            }

            i++;
        }

        error = null;
        return true;
    }

    public static string Format(string format, DateTimeOffset time)
    {
        DateTime t = time.UtcDateTime;
        var text = new StringBuilder(format.Length + 16);
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%' || i + 1 >= format.Length)
            {
                text.Append(c);
                continue;
            }

            i++;
            CultureInfo inv = CultureInfo.InvariantCulture;
            switch (format[i])
            {
                case 'a': text.Append(t.ToString("ddd", inv)); break;
                case 'A': text.Append(t.ToString("dddd", inv)); break;
                case 'b': text.Append(t.ToString("MMM", inv)); break;
                case 'B': text.Append(t.ToString("MMMM", inv)); break;
                case 'c': text.Append(t.ToString("ddd MMM ", inv)).Append(t.Day.ToString(inv).PadLeft(2)).Append(t.ToString(" HH:mm:ss yyyy", inv)); break;
                case 'd': text.Append(t.ToString("dd", inv)); break;
                case 'e': text.Append(t.Day.ToString(inv).PadLeft(2)); break;
                case 'f': text.Append((t.Ticks % TimeSpan.TicksPerSecond / 10).ToString("D6", inv)); break;
                case 'F': text.Append(t.ToString("yyyy-MM-dd", inv)); break;
                case 'D': text.Append(t.ToString("MM/dd/yy", inv)); break;
                case 'H': text.Append(t.ToString("HH", inv)); break;
                case 'I': text.Append(t.ToString("hh", inv)); break;
                case 'j': text.Append(t.DayOfYear.ToString("D3", inv)); break;
                case 'm': text.Append(t.ToString("MM", inv)); break;
                case 'M': text.Append(t.ToString("mm", inv)); break;
                case 'p': text.Append(t.Hour < 12 ? "AM" : "PM"); break;
                case 'r': text.Append(t.ToString("hh:mm:ss ", inv)).Append(t.Hour < 12 ? "AM" : "PM"); break;
                case 'R': text.Append(t.ToString("HH:mm", inv)); break;
                case 'S': text.Append(t.ToString("ss", inv)); break;
                case 'T': text.Append(t.ToString("HH:mm:ss", inv)); break;
                case 'U': text.Append(WeekOfYear(t, DayOfWeek.Sunday).ToString("D2", inv)); break;
                case 'W': text.Append(WeekOfYear(t, DayOfWeek.Monday).ToString("D2", inv)); break;
                case 'w': text.Append(((int)t.DayOfWeek).ToString(inv)); break;
                case 'u': text.Append((t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek).ToString(inv)); break;
                case 'G': text.Append(ISOWeek.GetYear(t).ToString("D4", inv)); break;
                case 'V': text.Append(ISOWeek.GetWeekOfYear(t).ToString("D2", inv)); break;
                case 'x': text.Append(t.ToString("MM/dd/yy", inv)); break;
                case 'X': text.Append(t.ToString("HH:mm:ss", inv)); break;
                case 'y': text.Append(t.ToString("yy", inv)); break;
                case 'Y': text.Append(t.Year.ToString("D4", inv)); break;
                case 'z': text.Append("+0000"); break;
                case 'Z': text.Append("UTC"); break;
                case 'n': text.Append('\n'); break;
                case 't': text.Append('\t'); break;
                case '%': text.Append('%'); break;
                default: text.Append('%').Append(format[i]); break;
            }
        }

        return text.ToString();
    }

    // Python's %U / %W: weeks start on the given day; days before the year's first such day are in week 0.
    private static int WeekOfYear(DateTime t, DayOfWeek firstDay)
    {
        int dayOfYear = t.DayOfYear - 1;
        int weekday = ((int)t.DayOfWeek - (int)firstDay + 7) % 7;
        return (dayOfYear - weekday + 7) / 7;
    }
}
