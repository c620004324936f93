using System.Text;

namespace Lumenfall.Sdk.Generator;

/// <summary>Writes indented C# with LF line endings and no trailing whitespace.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(line);
        }

        _text.Append('\n');
        return this;
    }

    public CodeWriter Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
        return this;
    }

    public CodeWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    /// <summary>Writes a <c>///</c> doc block; each text line is a separate comment line.</summary>
    public CodeWriter Doc(string tag, string text, string attributes = "")
    {
        string open = attributes.Length == 0 ? $"<{tag}>" : $"<{tag} {attributes}>";
        string[] lines = text.Split('\n');
        if (lines.Length == 1)
        {
            return Line($"/// {open}{lines[0]}</{tag}>");
        }

        Line($"/// {open}");
        foreach (string line in lines)
        {
            Line(line.Length == 0 ? "///" : $"/// {line}");
        }

        return Line($"/// </{tag}>");
    }

    public override string ToString() => _text.ToString();
}
