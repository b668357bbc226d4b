using Pilotdeck.Interop.Client;

namespace Pilotdeck.Interop.Tests;

/// <summary>One theory row per official case; the C# client's table is the single list of names.</summary>
public static class InteropCaseData
{
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in InteropClient.CaseNames)
            {
                data.Add(name);
            }

            return data;
        }
    }
}
