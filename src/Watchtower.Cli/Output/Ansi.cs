namespace Watchtower.Cli.Output;

/// <summary>ANSI colours, applied only when asked (a terminal without NO_COLOR): plain text otherwise.</summary>
internal static class Ansi
{
    public static string Dim(string text, bool color) => color ? $"\u001b[2m{text}\u001b[0m" : text;

    public static string Bold(string text, bool color) => color ? $"\u001b[1m{text}\u001b[0m" : text;

    public static string Cyan(string text, bool color) => color ? $"\u001b[36m{text}\u001b[0m" : text;

    public static string Red(string text, bool color) => color ? $"\u001b[31m{text}\u001b[0m" : text;

    /// <summary>One of six colours, the same for the same name, so that each stream keeps its colour.</summary>
    public static string ByName(string text, string name, bool color)
    {
        if (!color)
        {
            return text;
        }

        uint hash = 2166136261;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 16777619;
        }

        return $"\u001b[{31 + (hash % 6)}m{text}\u001b[0m";
    }
}
