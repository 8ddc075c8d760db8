import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A tenant: one application using the chat service. Nothing crosses between apps.' })
export class App {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field()
  createdAt: Date;
}

@ObjectType({ description: 'A new app and its secret. The secret is shown here and on rotation only.' })
export class CreatedApp {
  @Field(() => App)
  app: App;

  @Field({ description: 'Send as x-app-secret; also signs the app\'s user tokens (HS256).' })
  secret: string;
}

@ObjectType()
export class AppPage {
  @Field(() => [App])
  nodes: App[];

  @Field()
  total: number;
}
