// The package's name and version for the user-agent header, kept here so no file is read while sending (a test
// checks it matches package.json).
export const PACKAGE_NAME = "bizchat-openapi";
export const PACKAGE_VERSION = "0.1.0";
export const USER_AGENT = `${PACKAGE_NAME}/${PACKAGE_VERSION}`;
