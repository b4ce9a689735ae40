using System.Text.RegularExpressions;

namespace Watchtower.Tests.HouseStyle;

/// <summary>
/// Reads the shape of a C# file as the house style sees it: its top-level types and the length of each method (or
/// constructor, accessor, local function) body. A line-based reading, exact for code formatted as the .editorconfig
/// asks (file-scoped namespaces, braces on their own lines), which is all the code the build accepts.
/// </summary>
internal static partial class SourceShape
{
    /// <summary>The names of the types declared at the top of the file (generic arity dropped).</summary>
    public static IReadOnlyList<string> TopLevelTypes(string source) =>
        TopLevelType().Matches(source).Select(m => m.Groups["name"].Value).ToList();

    /// <summary>Each member with a block body: its first line's text and its length in lines, from signature to closing brace.</summary>
    public static IReadOnlyList<(string Member, int Lines)> MemberBodies(string source)
    {
        string[] lines = source.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var members = new List<(string, int)>();
        for (int i = 0; i < lines.Length; i++)
        {
            Match signature = MemberSignature().Match(lines[i]);
            if (!signature.Success || IsStatement(signature.Groups["name"].Value) || lines[i].Contains("=>", StringComparison.Ordinal) || lines[i].TrimEnd().EndsWith(';'))
            {
                continue;
            }

            string indent = signature.Groups["indent"].Value;

            // The body's brace is on its own line at the signature's indent, after any wrapped parameters and constraints.
            int open = i + 1;
            while (open < lines.Length && open - i <= 8 && lines[open] != indent + "{" && !lines[open].TrimEnd().EndsWith(';'))
            {
                open++;
            }

            if (open >= lines.Length || lines[open] != indent + "{")
            {
                continue;
            }

            int close = Array.FindIndex(lines, open + 1, l => l == indent + "}");
            if (close < 0)
            {
                continue;
            }

            members.Add((lines[i].Trim(), close - i + 1));
            i = open; // nested local functions are read as members of their own
        }

        return members;
    }

    private static bool IsStatement(string keyword) => keyword is "if" or "while" or "for" or "foreach" or "switch" or "using" or "lock" or "catch" or "fixed" or "return" or "await";

    [GeneratedRegex(@"^(?:(?:public|internal|file|static|sealed|abstract|readonly|partial|ref|unsafe)\s+)*(?:class|struct|interface|enum|delegate\s+\S+|record(?:\s+struct|\s+class)?)\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    [GeneratedRegex(@"^(?<indent>\s+)(?!//|\*|/|\[)[^=;{}"".]*?\b(?<name>\w+)\s*(?:<[^()]*>)?\s*\(")]
    private static partial Regex MemberSignature();
}
