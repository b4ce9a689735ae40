using System.Globalization;
using System.Text.RegularExpressions;
using Watchtower.Cli.Output;

namespace Watchtower.Cli.Tail;

/// <summary>Prints tail events in the chosen format, after the client-side <c>--grep</c> / <c>--grepv</c> filters.</summary>
internal sealed class EventPrinter
{
    private readonly TextWriter _output;
    private readonly TailFormat _format;
    private readonly bool _showGroup;
    private readonly bool _color;
    private readonly Regex? _grep;
    private readonly Regex? _grepv;

    public EventPrinter(TextWriter output, TailFormat format, bool showGroup, bool color, Regex? grep, Regex? grepv)
    {
        _output = output;
        _format = format;
        _showGroup = showGroup;
        _color = color;
        _grep = grep;
        _grepv = grepv;
    }

    public void Print(TailEvent e)
    {
        if ((_grep is not null && !_grep.IsMatch(e.Message)) || (_grepv is not null && _grepv.IsMatch(e.Message)))
        {
            return;
        }

        _output.WriteLine(Line(e));
    }

    public string Line(TailEvent e)
    {
        string message = e.Message.TrimEnd('\r', '\n');
        switch (_format)
        {
            case TailFormat.Raw:
                return message;
            case TailFormat.Short:
                return Ansi.Dim(e.Timestamp.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture), _color) + " " + message;
            case TailFormat.Json:
                return Json(e);
            default:
                string place = _showGroup ? $"{e.Group}/{e.Stream}" : e.Stream;
                return Ansi.Dim(Formats.Time(e.Timestamp), _color) + " " + Ansi.ByName(place, place, _color) + " " + message;
        }
    }

    private static string Json(TailEvent e) => JsonLine.Write(e, static (writer, e) =>
    {
        writer.WriteString("timestamp", Formats.Time(e.Timestamp));
        writer.WriteString("group", e.Group);
        writer.WriteString("stream", e.Stream);
        writer.WriteString("message", e.Message);
        if (e.EventId is not null)
        {
            writer.WriteString("eventId", e.EventId);
        }

        if (e.Ingestion is { } ingestion)
        {
            writer.WriteString("ingestionTime", Formats.Time(ingestion));
        }
    });
}
