// A Chatwork message_created delivery that matches the spec (https://developer.chatwork.com/docs/webhook), shared by
// the receiver and fuzz tests.
export const chatworkMessageCreated = {
  webhook_setting_id: "12345",
  webhook_event_type: "message_created",
  webhook_event_time: 1732345678,
  webhook_event: {
    message_id: "1928374655918273645",
    room_id: 322,
    account_id: 123,
    body: "本文",
    send_time: 1732345678,
    update_time: 0,
  },
};
