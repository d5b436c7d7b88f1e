; Inno Setup 6 script: the Windows installer of Backprop Playground.
;
; Per-user install into %LOCALAPPDATA%\Programs (no administrator rights), a
; Start-menu shortcut, an optional desktop shortcut and an uninstaller listed
; in "Installed apps".  packaging/build.py windows runs it as
;   ISCC /DAppVersion=X.Y.Z /DBundleDir=dist\backprop-playground /DOutputDir=dist
;        /DIconFile=resources\icon.ico packaging\windows\backprop-playground.iss
; The defaults below let it also be compiled by hand from this folder.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\backprop-playground"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\resources\icon.ico"
#endif

#define AppName "Backprop Playground"
#define AppSlug "backprop-playground"
; the windowed program (no console); backprop-playground.exe beside it is the console twin
#define AppExe "Backprop Playground.exe"
#define AppPublisher "Backprop Playground developers"
#define AppURL "https://github.com/backprop-playground/backprop-playground"

[Setup]
; The AppId identifies the app for upgrades and uninstall: never change it.
AppId={{EA5A22EB-7198-44F9-8240-809175442300}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppPublisherURL={#AppURL}
AppSupportURL={#AppURL}/issues
AppUpdatesURL={#AppURL}/releases
; per user, no administrator rights: {autopf} is then %LOCALAPPDATA%\Programs
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
OutputDir={#OutputDir}
OutputBaseFilename={#AppSlug}-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
; the bundle is large (torch): LZMA2 over one solid block makes the smallest installer
Compression=lzma2/max
SolidCompression=yes
LZMANumBlockThreads=4
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; an upgrade replaces the whole bundle, so no file of an older version lingers
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Comment: "Watch a two-layer network learn by back-propagation"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#StringChange(AppName, '&', '&&')}}"; Flags: nowait postinstall skipifsilent
