/** Which app talker accounts live in (TalkerApp.scope(), TalkerApp.appId), for the talker transport's other parts. */
export { TalkerApp } from '../accounts/talker-app.service.js';
