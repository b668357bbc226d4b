using Pilotdeck.Cli;

return await CliRoot.Create().Parse(args).InvokeAsync();
