using Pilotdeck.Server.Hosting;

var app = await PilotdeckHost.BuildAsync(args);
await app.RunAsync();
