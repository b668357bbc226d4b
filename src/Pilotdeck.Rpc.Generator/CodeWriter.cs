using System.Text;

namespace Pilotdeck.Rpc.Generator;

/// <summary>Indentation-aware text builder; generated code is read by people in diffs and debuggers.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4);
        }

        _text.Append(line).Append('\n');
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

    public CodeWriter Indent()
    {
        _indent++;
        return this;
    }

    public CodeWriter Outdent()
    {
        _indent--;
        return this;
    }

    public override string ToString() => _text.ToString();
}
