namespace Watchtower.Extensions.Logging;

/// <summary>
/// Where the parts of one JSON event sit in its buffer, recorded while it is written, so that an event over the size
/// limit can be cut where it is safe (inside the message string) or lose whole fields, and stay valid JSON. Each
/// field's range starts at its leading comma; -1 means absent. The message range includes its quotes.
/// </summary>
internal struct JsonLayout
{
    public int MessageStart;
    public int MessageEnd;
    public int PropertiesStart;
    public int PropertiesEnd;
    public int TemplateStart;
    public int TemplateEnd;
    public int ExceptionStart;
    public int ExceptionEnd;
    public int ScopesStart;
    public int ScopesEnd;

    public static JsonLayout Empty => new()
    {
        MessageStart = -1,
        MessageEnd = -1,
        PropertiesStart = -1,
        PropertiesEnd = -1,
        TemplateStart = -1,
        TemplateEnd = -1,
        ExceptionStart = -1,
        ExceptionEnd = -1,
        ScopesStart = -1,
        ScopesEnd = -1,
    };

    /// <summary>Moves every offset at or after <paramref name="from"/> by <paramref name="delta"/> bytes, after a part before them changed size.</summary>
    public void Shift(int from, int delta)
    {
        Shift(ref MessageStart, from, delta);
        Shift(ref MessageEnd, from, delta);
        Shift(ref PropertiesStart, from, delta);
        Shift(ref PropertiesEnd, from, delta);
        Shift(ref TemplateStart, from, delta);
        Shift(ref TemplateEnd, from, delta);
        Shift(ref ExceptionStart, from, delta);
        Shift(ref ExceptionEnd, from, delta);
        Shift(ref ScopesStart, from, delta);
        Shift(ref ScopesEnd, from, delta);
    }

    /// <summary>Marks as absent every field whose range a removal made empty.</summary>
    public void ForgetEmptyFields()
    {
        Forget(ref PropertiesStart, ref PropertiesEnd);
        Forget(ref TemplateStart, ref TemplateEnd);
        Forget(ref ExceptionStart, ref ExceptionEnd);
        Forget(ref ScopesStart, ref ScopesEnd);
    }

    private static void Forget(ref int start, ref int end)
    {
        if (start >= 0 && start == end)
        {
            start = -1;
            end = -1;
        }
    }

    private static void Shift(ref int offset, int from, int delta)
    {
        if (offset >= from)
        {
            offset += delta;
        }
    }
}
