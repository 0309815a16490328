using IronLb.Layer2;
using IronLb.Dapr;
using IronLb.ServiceDefaults;

// The layer2 service on its own, as a Dapr app: state and pub/sub through its Dapr sidecar.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddDaprMessaging(builder.Configuration);
builder.AddLayer2();

var app = builder.Build();
app.MapServiceDefaults();
app.MapDaprSubscriptions();
app.Run();
