namespace Watchtower.Cli.Output;

/// <summary>Rows as aligned columns with a header (bold on a terminal); the last column is not padded.</summary>
internal sealed class TableWriter
{
    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    public TableWriter(params string[] headers)
    {
        _headers = headers;
    }

    public int Count => _rows.Count;

    public void Add(params string[] row) => _rows.Add(row);

    public void WriteTo(TextWriter output, bool color)
    {
        int[] widths = new int[_headers.Length];
        foreach (string[] row in _rows.Prepend(_headers))
        {
            for (int i = 0; i < widths.Length; i++)
            {
                widths[i] = Math.Max(widths[i], Cell(row, i).Length);
            }
        }

        output.WriteLine(Ansi.Bold(Line(_headers, widths), color));
        foreach (string[] row in _rows)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    private static string Cell(string[] row, int i) => i < row.Length ? row[i] : string.Empty;

    private static string Line(string[] row, int[] widths) =>
        string.Join("  ", widths.Select((width, i) => i == widths.Length - 1 ? Cell(row, i) : Cell(row, i).PadRight(width))).TrimEnd();
}
